import { NextResponse, type NextRequest } from 'next/server';
import { fleetQuerySchema } from '@/lib/api/fleet';
import { AppError, toHttpError } from '@/lib/errors';
import { listPeerGrid } from '@/lib/services/list-peer-grid';

export const dynamic = 'force-dynamic';

export async function GET(req: NextRequest): Promise<NextResponse> {
  try {
    const query = fleetQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!query.success) throw new AppError('bad_request', 'invalid query', query.error.issues);
    return NextResponse.json(await listPeerGrid({ now: new Date(), at: query.data.at }));
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
