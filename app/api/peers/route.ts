import { NextResponse, type NextRequest } from 'next/server';
import { fleetQuerySchema } from '@/lib/api/fleet';
import { AppError, toHttpError } from '@/lib/errors';
import { listPeerGrid, livePeerGrid } from '@/lib/services/list-peer-grid';

export const dynamic = 'force-dynamic';

// The live grid carries a version (also its ETag): a browser that sends it back in If-None-Match gets a
// 304 without the grid being read or built, until a verdict, a node's addresses or its freshness change.
export async function GET(req: NextRequest): Promise<NextResponse> {
  try {
    const query = fleetQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!query.success) throw new AppError('bad_request', 'invalid query', query.error.issues);
    if (query.data.at) return NextResponse.json(await listPeerGrid({ now: new Date(), at: query.data.at }));
    const { version, grid } = await livePeerGrid({ now: new Date(), ifNoneMatch: req.headers.get('if-none-match') });
    if (!grid) return new NextResponse(null, { status: 304, headers: { etag: version } });
    return NextResponse.json(grid, { headers: { etag: version } });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
