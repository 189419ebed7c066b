import { Suspense } from 'react';
import { PeerGrid } from '@/components/peers/PeerGrid';
import { page } from '@/lib/http/page';

export default page({ path: '/peers', permission: 'fleet.view' }, () => (
  <Suspense fallback={<p className="py-8 text-slate-400">Loading peer grid…</p>}>
    <PeerGrid />
  </Suspense>
));
