import 'server-only';
import { getDb } from '@/lib/db';
import { renderMetrics } from './metrics-collect';

/** The /metrics body over this process's store. */
export async function renderFleetMetrics(): Promise<string> {
  return renderMetrics(await getDb());
}
