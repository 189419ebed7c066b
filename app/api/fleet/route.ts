import { NextResponse, type NextRequest } from 'next/server';
import { fleetQuerySchema } from '@/lib/api/fleet';
import { AppError, toHttpError } from '@/lib/errors';
import { listFleet } from '@/lib/services/list-fleet';

export const dynamic = 'force-dynamic';

export async function GET(req: NextRequest): Promise<NextResponse> {
  try {
    const query = fleetQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!query.success) throw new AppError('bad_request', 'invalid query', query.error.issues);
    const fleet = await listFleet({ now: new Date(), at: query.data.at });
    return NextResponse.json(fleet);
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
