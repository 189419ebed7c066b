import { NextResponse } from 'next/server';
import { checkStoreOpen } from '@/lib/services/check-store-open';
import { toHttpError } from '@/lib/errors';

export const dynamic = 'force-dynamic';

// The e2e web server and load balancers wait on this: 200 once the store is open and migrated.
export async function GET(): Promise<NextResponse> {
  try {
    await checkStoreOpen();
    return NextResponse.json({ ok: true });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status: status === 500 ? 503 : status });
  }
}
