import { formatAge } from '@/lib/node/poll-freshness';

/** An ISO time as the dashboard prints times: UTC, to the second (`2026-12-01 11:40:00`). */
export function utcText(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** "for 17m 58s": how long before `asOf` a moment was; null when either is missing or it is in the future. */
export function durationBefore(since: string | null, asOf: string | null): string | null {
  if (!since || !asOf) return null;
  const ms = Date.parse(asOf) - Date.parse(since);
  return Number.isNaN(ms) || ms < 0 ? null : formatAge(ms);
}
