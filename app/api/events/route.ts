import { route, sessionToken } from '@/lib/http/route';
import { endWithSession } from '@/lib/auth/store/session-watch';
import { openPollEventStream } from '@/lib/live/store/notify-event-stream';

export const dynamic = 'force-dynamic';

// Live updates (server-sent events) from the database's NOTIFY: the hello is queued before the 200
// goes out, then one `poll` event per batch of stored polls. Pages refetch on each (components/live).
// The stream ends when its session does (sign-out, expiry, account disabled): endWithSession.
export const GET = route({ method: 'GET', path: '/api/events', permission: 'fleet.view' }, async ({ http }) => {
  const body = await openPollEventStream({ signal: http.signal });
  return new Response(endWithSession(body, { token: sessionToken(http) }), {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      // nginx and similar proxies buffer responses by default, which would hold every event back
      'x-accel-buffering': 'no',
    },
  });
});
