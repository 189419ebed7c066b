import { createHash } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { fleetQuerySchema } from '@/lib/api/fleet';
import { AppError, toHttpError } from '@/lib/errors';
import { listFleet } from '@/lib/services/list-fleet';

export const dynamic = 'force-dynamic';

// Fleet rows carry ages measured at the server's clock, so the body changes from one second to the next;
// its ETag still spares the transfer and the browser's parse when nothing changed. Live pages get changed
// rows from /api/events and read the whole fleet only when they open or reconnect.
export async function GET(req: NextRequest): Promise<NextResponse> {
  try {
    const query = fleetQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!query.success) throw new AppError('bad_request', 'invalid query', query.error.issues);
    const body = JSON.stringify(await listFleet({ now: new Date(), at: query.data.at }));
    const etag = `W/"f-${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    if (req.headers.get('if-none-match') === etag) return new NextResponse(null, { status: 304, headers: { etag } });
    return new NextResponse(body, { headers: { 'content-type': 'application/json', etag } });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
