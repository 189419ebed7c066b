import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '@/lib/errors';

// Alertmanager can send `Authorization: Bearer <token>` (http_config.authorization). When
// FNH_ALERTMANAGER_TOKEN is set the webhook requires it; unset, the webhook is open (demo, trusted network).
export function checkWebhookToken(authorization: string | null, expected = process.env.FNH_ALERTMANAGER_TOKEN): void {
  if (!expected) return;
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  // Compare digests so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  if (!timingSafeEqual(a, b)) throw new AppError('unauthorized', 'missing or wrong bearer token');
}
