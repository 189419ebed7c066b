import 'server-only';
import { bearerTokenMatches } from '../../auth/store/bearer-token';

// Who may post to the Alertmanager webhook. Alertmanager sends `Authorization: Bearer <token>` when its
// receiver has `http_config.authorization`. With FNH_ALERTMANAGER_TOKEN set, only that token is taken.
// Without it the webhook is off unless FNH_ALERTMANAGER_OPEN=1 opens it on purpose (a trusted network):
// an open webhook lets anyone write alerts and triage links. Off answers 503, not 4xx, so Alertmanager
// keeps retrying (notify/util.go retries 5xx only) while the operator sets the token.

export type WebhookAccess = { allowed: true } | { allowed: false; status: 401 | 503; message: string };

export function checkWebhookAccess(authorization: string | null, env: Readonly<Record<string, string | undefined>> = process.env): WebhookAccess {
  const token = env.FNH_ALERTMANAGER_TOKEN;
  if (token) return bearerTokenMatches(authorization, token) ? { allowed: true } : { allowed: false, status: 401, message: 'missing or wrong bearer token' };
  if (env.FNH_ALERTMANAGER_OPEN === '1') return { allowed: true };
  return {
    allowed: false,
    status: 503,
    message:
      'the Alertmanager webhook is off: set FNH_ALERTMANAGER_TOKEN on the dashboard and the same token in the receiver (http_config.authorization), or FNH_ALERTMANAGER_OPEN=1 to take posts without a token',
  };
}
