import { PROMETHEUS_CONTENT_TYPE } from '@/lib/metrics/exposition';
import { respond } from '@/lib/services/http-respond';
import { checkMetricsAccess } from '@/lib/services/metrics-access';
import { renderFleetMetrics } from '@/lib/services/metrics-endpoint';

export const dynamic = 'force-dynamic';

// Prometheus scrape target. Read from the store, so any dashboard instance answers for the whole fleet.
// Public: the fleet aggregates. With `Authorization: Bearer <FNH_METRICS_TOKEN>`: also the per-node and
// per-peer verdict series the shipped alert rules read (deploy/prometheus/rules.yml).
export async function GET(req: Request): Promise<Response> {
  const access = checkMetricsAccess(req.headers.get('authorization'));
  if (access.kind === 'refused') {
    return new Response(`${access.message}\n`, {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'www-authenticate': 'Bearer realm="fnh-metrics"' },
    });
  }
  const verdictSeries = access.kind === 'verdicts' ? { maxPeerSeries: access.maxPeerSeries } : undefined;
  return respond(
    async () => new Response(await renderFleetMetrics({ verdictSeries }), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } }),
  );
}
