import { NextResponse, type NextRequest } from 'next/server';
import { alertmanagerPayloadSchema } from '@/lib/api/alertmanager';
import { AppError, toHttpError } from '@/lib/errors';
import { publicOrigin } from '@/lib/services/auth-request';
import { checkWebhookToken } from '@/lib/services/check-webhook-token';
import { recordAlerts } from '@/lib/services/record-alerts';

export const dynamic = 'force-dynamic';

const maxBodyBytes = 1_048_576;

// Alertmanager webhook receiver (payload version 4): stores the alerts, answers with their triage links.
export async function POST(req: NextRequest): Promise<NextResponse> {
  try {
    checkWebhookToken(req.headers.get('authorization'));
    const text = await req.text();
    if (Buffer.byteLength(text) > maxBodyBytes) throw new AppError('bad_request', 'payload larger than 1 MiB');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError('bad_request', 'body is not JSON');
    }
    const payload = alertmanagerPayloadSchema.safeParse(json);
    if (!payload.success) throw new AppError('unprocessable', 'not an Alertmanager v4 payload', payload.error.issues.slice(0, 20));
    const baseUrl = publicOrigin(req);
    return NextResponse.json(await recordAlerts({ payload: payload.data, now: new Date(), baseUrl }));
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status });
  }
}
