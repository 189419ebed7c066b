import { Suspense } from 'react';
import { TriageView } from '@/components/alerts/TriageView';
import { page } from '@/lib/http/page';

// `/triage/<fingerprint>`: the stable link Alertmanager notifications carry.
export default page({ path: '/triage/[fingerprint]', permission: 'fleet.view' }, ({ params }) => (
  <Suspense fallback={<p className="py-8 text-slate-400">Loading alert…</p>}>
    <TriageView fingerprint={params.fingerprint ?? ''} />
  </Suspense>
));
