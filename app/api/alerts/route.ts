import { NextResponse } from 'next/server';
import { toHttpError } from '@/lib/errors';
import { listAlerts } from '@/lib/services/list-alerts';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<NextResponse> {
  try {
    return NextResponse.json({ alerts: await listAlerts() }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status, headers: { 'cache-control': 'no-store' } });
  }
}
