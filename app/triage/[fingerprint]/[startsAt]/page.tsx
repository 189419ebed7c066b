import { Suspense } from 'react';
import { TriageView } from '@/components/alerts/TriageView';
import { decodeSegment } from '@/lib/alerts/alerts';
import { page } from '@/lib/http/page';

// `/triage/<fingerprint>/<startsAt>`: one episode of an alert (what the webhook reply, /alerts and the
// shipped Alertmanager template link to); a later episode of the same alert never changes what it opens.
export default page({ path: '/triage/[fingerprint]/[startsAt]', permission: 'fleet.view' }, ({ params }) => (
  <Suspense fallback={<p className="py-8 text-slate-400">Loading alert…</p>}>
    <TriageView fingerprint={params.fingerprint ?? ''} startsAt={decodeSegment(params.startsAt ?? '')} />
  </Suspense>
));
