import { PROMETHEUS_CONTENT_TYPE } from '@/lib/metrics/exposition';
import { respond } from '@/lib/services/http-respond';
import { renderFleetMetrics } from '@/lib/services/metrics-endpoint';

export const dynamic = 'force-dynamic';

// Prometheus scrape target. Read from the store, so any dashboard instance answers for the whole fleet.
export async function GET(): Promise<Response> {
  return respond(async () => new Response(await renderFleetMetrics(), { headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' } }));
}
