import 'server-only';
import { getDb } from '@/lib/db';
import { renderMetrics } from './collect';

/** The /metrics body over this process's store; with `verdictSeries`, the per-node and per-peer series too. */
export async function renderFleetMetrics(opts: { verdictSeries?: { maxPeerSeries: number } } = {}): Promise<string> {
  return renderMetrics(await getDb(), opts.verdictSeries ? { verdictSeries: { ...opts.verdictSeries, now: new Date() } } : {});
}
