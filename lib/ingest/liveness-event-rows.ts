import { z } from 'zod';
import type { EventLike } from '@/lib/diagnosis/sessions';

// A liveness_events row as the store returns it, validated, and its diagnosis form. One definition for
// every service that reads stored events (grids, node page, remediation evidence, ingest).
export const livenessEventColumns = 'at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid';

export const livenessEventRowSchema = z.object({
  at: z.coerce.date(),
  level: z.string(),
  msg: z.string(),
  interface: z.string().nullable(),
  local_ip: z.string().nullable(),
  peer_ip: z.string().nullable(),
  error: z.string().nullable(),
  dedupe_key: z.string(),
  pid: z.number().int().nullable(),
});
export type LivenessEventRowData = z.infer<typeof livenessEventRowSchema>;

export function eventFromRow(r: LivenessEventRowData): EventLike {
  const e: EventLike = { at: r.at.toISOString(), level: r.level, msg: r.msg, dedupeKey: r.dedupe_key };
  if (r.interface !== null) e.interface = r.interface;
  if (r.local_ip !== null) e.localIP = r.local_ip;
  if (r.peer_ip !== null) e.peerIP = r.peer_ip;
  if (r.error !== null) e.error = r.error;
  if (r.pid !== null) e.pid = r.pid;
  return e;
}
