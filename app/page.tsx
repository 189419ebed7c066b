import { Suspense } from 'react';
import { FleetGrid } from '@/components/fleet/FleetGrid';
import { page } from '@/lib/http/page';

export default page({ path: '/', permission: 'fleet.view' }, () => (
  <Suspense fallback={<p className="py-8 text-slate-400">Loading fleet…</p>}>
    <FleetGrid />
  </Suspense>
));
