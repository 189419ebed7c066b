import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether an `Authorization` header carries `Bearer <expected>` (scheme case-insensitive, RFC 7235). */
export function bearerTokenMatches(authorization: string | null, expected: string): boolean {
  const given = /^Bearer +(.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  // Compare digests so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return given !== '' && timingSafeEqual(a, b);
}
