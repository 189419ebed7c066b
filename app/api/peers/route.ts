import { fleetQuerySchema } from '@/lib/fleet/fleet';
import { route } from '@/lib/http/route';
import { sharedJsonResponse } from '@/lib/http/shared-body';
import { listPeerGrid, livePeerGrid } from '@/lib/peers/store/list-peer-grid';

export const dynamic = 'force-dynamic';

// The live grid carries a version (also its ETag): a browser that sends it back in If-None-Match gets a
// 304 without the grid being read or built, until a verdict, a node's addresses or its freshness change.
export const GET = route({ method: 'GET', path: '/api/peers', permission: 'fleet.view', query: fleetQuerySchema }, async ({ query, http }) => {
  if (query.at) return listPeerGrid({ now: new Date(), at: query.at });
  const live = await livePeerGrid({ now: new Date(), ifNoneMatch: http.header('if-none-match') });
  const { version, grid } = live;
  if (!grid) return new Response(null, { status: 304, headers: { etag: version } });
  // viewers of the same second get the same answer: its JSON is made once
  return sharedJsonResponse(live, () => JSON.stringify(grid), { etag: version });
});
