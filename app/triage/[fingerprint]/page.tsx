import { Suspense } from 'react';
import { TriageView } from '@/components/alerts/TriageView';

// `/triage/<fingerprint>`: the stable link Alertmanager notifications carry.
export default async function TriagePage({ params }: { params: Promise<{ fingerprint: string }> }) {
  const { fingerprint } = await params;
  return (
    <Suspense fallback={<p className="py-8 text-slate-400">Loading alert…</p>}>
      <TriageView fingerprint={fingerprint} />
    </Suspense>
  );
}
