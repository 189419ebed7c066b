import { Suspense } from 'react';
import { TriageView } from '@/components/alerts/TriageView';
import { decodeSegment } from '@/lib/api/alerts';

// `/triage/<fingerprint>/<startsAt>`: one episode of an alert (what the webhook reply, /alerts and the
// shipped Alertmanager template link to); a later episode of the same alert never changes what it opens.
export default async function TriageEpisodePage({ params }: { params: Promise<{ fingerprint: string; startsAt: string }> }) {
  const { fingerprint, startsAt } = await params;
  return (
    <Suspense fallback={<p className="py-8 text-slate-400">Loading alert…</p>}>
      <TriageView fingerprint={fingerprint} startsAt={decodeSegment(startsAt)} />
    </Suspense>
  );
}
