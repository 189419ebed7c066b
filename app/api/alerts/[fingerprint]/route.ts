import { NextResponse } from 'next/server';
import { fingerprintSchema } from '@/lib/api/alerts';
import { AppError, toHttpError } from '@/lib/errors';
import { getAlertTriage } from '@/lib/services/get-alert-triage';

export const dynamic = 'force-dynamic';

// A fingerprint-only triage link: the latest episode of the alert.
export async function GET(_req: Request, ctx: { params: Promise<{ fingerprint: string }> }): Promise<NextResponse> {
  try {
    const fp = fingerprintSchema.safeParse((await ctx.params).fingerprint);
    if (!fp.success) throw new AppError('not_found', 'no such alert');
    return NextResponse.json(await getAlertTriage({ fingerprint: fp.data }), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status, headers: { 'cache-control': 'no-store' } });
  }
}
