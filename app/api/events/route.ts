import { sessionCookieName } from '@/lib/auth/session-token';
import { readCookie } from '@/lib/services/auth-request';
import { endWithSession } from '@/lib/services/auth-session-watch';
import { respond } from '@/lib/services/http-respond';
import { openPollEventStream } from '@/lib/services/notify-event-stream';

export const dynamic = 'force-dynamic';

// Live updates (server-sent events) from the database's NOTIFY: the hello is queued before the 200
// goes out, then one `poll` event per batch of stored polls. Pages refetch on each (components/live).
// The stream ends when its session does (sign-out, expiry, account disabled): endWithSession.
export async function GET(request: Request): Promise<Response> {
  return respond(async () => {
    const body = await openPollEventStream({ signal: request.signal });
    return new Response(endWithSession(body, { token: readCookie(request, sessionCookieName) }), {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        // nginx and similar proxies buffer responses by default, which would hold every event back
        'x-accel-buffering': 'no',
      },
    });
  });
}
