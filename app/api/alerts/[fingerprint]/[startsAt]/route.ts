import { NextResponse } from 'next/server';
import { decodeSegment, episodeStartSchema, fingerprintSchema } from '@/lib/api/alerts';
import { AppError, toHttpError } from '@/lib/errors';
import { getAlertTriage } from '@/lib/services/get-alert-triage';

export const dynamic = 'force-dynamic';

// An episode triage link (`/triage/<fingerprint>/<startsAt>`): that episode and no other.
export async function GET(_req: Request, ctx: { params: Promise<{ fingerprint: string; startsAt: string }> }): Promise<NextResponse> {
  try {
    const params = await ctx.params;
    const fp = fingerprintSchema.safeParse(params.fingerprint);
    const startsAt = episodeStartSchema.safeParse(decodeSegment(params.startsAt));
    if (!fp.success || !startsAt.success || Number.isNaN(startsAt.data.getTime())) throw new AppError('not_found', 'no such alert episode');
    return NextResponse.json(await getAlertTriage({ fingerprint: fp.data, startsAt: startsAt.data }), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status, headers: { 'cache-control': 'no-store' } });
  }
}
