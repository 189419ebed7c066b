import { Suspense } from 'react';
import { PeerGrid } from '@/components/peers/PeerGrid';

export default function PeersPage() {
  return (
    <Suspense fallback={<p className="py-8 text-slate-400">Loading peer grid…</p>}>
      <PeerGrid />
    </Suspense>
  );
}
