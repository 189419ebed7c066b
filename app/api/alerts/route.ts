import { NextResponse } from 'next/server';
import { toHttpError } from '@/lib/errors';
import { listAlerts } from '@/lib/services/list-alerts';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<NextResponse> {
  try {
    return NextResponse.json({ alerts: await listAlerts() });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
