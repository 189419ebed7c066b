import { NextResponse } from 'next/server';
import { alertmanagerPayloadSchema } from '@/lib/api/alertmanager';
import { AppError, toHttpError } from '@/lib/errors';
import { configuredPublicOrigin } from '@/lib/services/alert-public-origin';
import { checkWebhookAccess } from '@/lib/services/check-webhook-token';
import { recordAlerts } from '@/lib/services/record-alerts';
import { readCappedBody } from './read-capped-body';

export const dynamic = 'force-dynamic';

/** Far above any real notification (a 5,000-alert group is ~5 MB); past it the body is not read at all. */
const maxBodyBytes = 32 * 1_048_576;
const noStore = { 'cache-control': 'no-store' };

function refuse(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: { code, message } }, { status, headers: noStore });
}

// Alertmanager webhook receiver (payload version 4): stores the alerts, answers with their triage links.
// Alertmanager drops a notification answered with 4xx and retries 5xx (notify/util.go), so a well-formed v4
// payload always gets 200: oversize values and groups are cut and stored with a note (docs/alerting.md).
export async function POST(req: Request): Promise<NextResponse> {
  try {
    const access = checkWebhookAccess(req.headers.get('authorization'));
    if (!access.allowed) return refuse(access.status, access.status === 401 ? 'unauthorized' : 'unavailable', access.message);
    const text = await readCappedBody(req, maxBodyBytes);
    if (text === null) {
      return refuse(413, 'payload_too_large', 'notification larger than 32 MiB: set max_alerts on this webhook receiver in alertmanager.yml');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError('bad_request', 'body is not JSON');
    }
    const payload = alertmanagerPayloadSchema.safeParse(json);
    if (!payload.success) throw new AppError('unprocessable', 'not an Alertmanager v4 payload', payload.error.issues.slice(0, 20));
    const answer = await recordAlerts({ payload: payload.data, now: new Date(), publicOrigin: configuredPublicOrigin() });
    return NextResponse.json(answer, { headers: noStore });
  } catch (err) {
    const { status, body } = toHttpError(err);
    return NextResponse.json(body, { status, headers: noStore });
  }
}
