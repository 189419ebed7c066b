import { PROMETHEUS_CONTENT_TYPE } from '@/lib/metrics/exposition';
import { route } from '@/lib/http/route';
import { renderFleetMetrics } from '@/lib/metrics/store/endpoint';

export const dynamic = 'force-dynamic';

// Prometheus scrape target. Read from the store, so any dashboard instance answers for the whole fleet.
// Public: the fleet aggregates. With `Authorization: Bearer <FNH_METRICS_TOKEN>`: also the per-node and
// per-peer verdict series the shipped alert rules read (deploy/prometheus/rules.yml).
export const GET = route({ method: 'GET', path: '/metrics', permission: 'metrics-token' }, async ({ grant }) => {
  const verdictSeries = grant.kind === 'verdicts' ? { maxPeerSeries: grant.maxPeerSeries } : undefined;
  return new Response(await renderFleetMetrics({ verdictSeries }), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE } });
});
