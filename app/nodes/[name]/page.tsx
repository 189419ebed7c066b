import { Suspense } from 'react';
import { NodeView } from '@/components/node/NodeView';

export default async function NodePage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return (
    <Suspense fallback={<p className="py-8 text-slate-400">Loading…</p>}>
      <NodeView name={name} />
    </Suspense>
  );
}
