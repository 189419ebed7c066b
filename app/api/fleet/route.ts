import { fleetQuerySchema } from '@/lib/fleet/fleet';
import { route } from '@/lib/http/route';
import { fleetBody } from '@/lib/fleet/store/list-fleet';
import { jsonText } from '@/lib/http/json';

export const dynamic = 'force-dynamic';

// Fleet rows carry ages measured at the server's clock, so the body changes from one second to the next;
// its ETag still spares the transfer and the browser's parse when nothing changed. Live pages get changed
// rows from /api/events and read the whole fleet only when they open or reconnect. Viewers of the same second
// share the body (fleetBody).
export const GET = route({ method: 'GET', path: '/api/fleet', permission: 'fleet.view', query: fleetQuerySchema }, async ({ query, http }) => {
  const { body, etag } = await fleetBody({ now: new Date(), at: query.at });
  if (http.header('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
  return jsonText(body, { headers: { etag } });
});
