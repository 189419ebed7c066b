import { Suspense } from 'react';
import { FleetGrid } from '@/components/fleet/FleetGrid';

export default function FleetPage() {
  return (
    <Suspense fallback={<p className="py-8 text-slate-400">Loading fleet…</p>}>
      <FleetGrid />
    </Suspense>
  );
}
