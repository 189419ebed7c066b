import 'server-only';
import { bearerTokenMatches } from '../../auth/store/bearer-token';
import { readSetting } from '@/lib/settings/settings';

// Who gets which /metrics. Without an Authorization header: the public fleet aggregates (counts only).
// With `Bearer <FNH_METRICS_TOKEN>`: also the per-node and per-peer verdict series (node names, peer
// addresses). Any other Authorization, or one while no token is configured, is refused (401), so a
// misconfigured scrape shows as a failed target instead of quietly missing the series alerts read.

export type MetricsAccess = { kind: 'public' } | { kind: 'verdicts'; maxPeerSeries: number } | { kind: 'refused'; message: string };

export function checkMetricsAccess(authorization: string | null, env: Readonly<Record<string, string | undefined>> = process.env): MetricsAccess {
  if (authorization === null) return { kind: 'public' };
  const token = env.FNH_METRICS_TOKEN;
  if (!token) return { kind: 'refused', message: 'FNH_METRICS_TOKEN is not set on the dashboard: per-node series are off' };
  if (!bearerTokenMatches(authorization, token)) return { kind: 'refused', message: 'wrong bearer token' };
  return { kind: 'verdicts', maxPeerSeries: readSetting('FNH_METRICS_MAX_PEER_SERIES', env.FNH_METRICS_MAX_PEER_SERIES) };
}
