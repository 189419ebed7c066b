import { Suspense } from 'react';
import { NodeView } from '@/components/node/NodeView';
import { page } from '@/lib/http/page';

export default page({ path: '/nodes/[name]', permission: 'fleet.view' }, ({ params }) => (
  <Suspense fallback={<p className="py-8 text-slate-400">Loading…</p>}>
    <NodeView name={params.name ?? ''} />
  </Suspense>
));
