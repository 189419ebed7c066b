import { alertmanagerPayloadSchema } from '@/lib/alerts/alertmanager';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { configuredPublicOrigin } from '@/lib/alerts/store/alert-public-origin';
import { recordAlerts } from '@/lib/alerts/store/record-alerts';

export const dynamic = 'force-dynamic';

// Alertmanager webhook receiver (payload version 4): stores the alerts, answers with their triage links.
// Alertmanager drops a notification answered with 4xx and retries 5xx (notify/util.go), so a well-formed v4
// payload always gets 200: oversize values and groups are cut and stored with a note (docs/alerting.md).
export const POST = route(
  {
    method: 'POST',
    path: '/api/alerts/alertmanager',
    permission: 'webhook-token',
    body: {
      schema: alertmanagerPayloadSchema,
      invalid: (issues) => new AppError('unprocessable', 'not an Alertmanager v4 payload', issues.slice(0, 20)),
    },
    bodyLimits: {
      // Far above any real notification (a 5,000-alert group is ~5 MB); past it the body is not read at all.
      maxBytes: 32 * 1_048_576,
      tooLarge: new AppError('payload_too_large', 'notification larger than 32 MiB: set max_alerts on this webhook receiver in alertmanager.yml'),
      notJson: 'body is not JSON',
      empty: 'not-json',
    },
  },
  ({ body }) => recordAlerts({ payload: body, now: new Date(), publicOrigin: configuredPublicOrigin() }),
);
