import { z } from 'zod';
import type { Parsed } from './issues';
import { parseJsonRecords } from './json-records';

/**
 * One entry of doublezerod's `GET /routes` (a JSON array): a BGP route the daemon installed and, when
 * liveness is on, its session. `network` is the DoubleZero network moniker, not a prefix. The daemon
 * omits empty fields.
 */
export interface DaemonRoute {
  network?: string;
  localIP: string;
  peerIP: string;
  kernelState?: string;
  livenessState?: string;
  livenessStateReason?: string;
  livenessExpectedKernelState?: string;
  livenessPeerMode?: string;
  livenessLastUpdated?: string;
  peerClientVersion?: string;
  raw: Record<string, unknown>;
}

const ip = z.union([z.ipv4(), z.ipv6()]);
const text = z.string().max(200).optional();

/**
 * The record as the daemon writes it (internal/api/routes.go), in its field order: v0.8.0 also writes
 * `user_type` and always `kernel_state`; the `liveness_*` fields only with a session; v0.8.1+ adds the
 * expected kernel state, the peer's mode and client version. The simulator and the lab daemon print
 * this type (lib/doublezerod/api.ts); this parser reads it, and keeps fields it does not know in `raw`.
 */
const recordShape = {
  network: text,
  user_type: text,
  local_ip: ip,
  peer_ip: ip,
  kernel_state: text,
  liveness_last_updated: text,
  liveness_state: text,
  liveness_state_reason: text,
  liveness_expected_kernel_state: text,
  liveness_peer_mode: text,
  peer_client_version: text,
};
export type DaemonRouteRecord = z.output<z.ZodObject<typeof recordShape>>;
/** The fields of the record, in the order the daemon writes them. */
export const daemonRouteFields = Object.keys(recordShape) as Array<keyof DaemonRouteRecord>;

const routeSchema = z.looseObject(recordShape);

export function parseDaemonRoutes(body: string): Parsed<DaemonRoute> {
  // The daemon encodes `null` for an empty list when it has no routes at all.
  if (body.trim() === 'null') return { items: [], issues: [] };
  const { items, issues } = parseJsonRecords(body, routeSchema, 'daemon /routes');
  return {
    items: items.map((r) => {
      const route: DaemonRoute = { localIP: r.local_ip, peerIP: r.peer_ip, raw: r };
      const optional: [keyof DaemonRoute, string | undefined][] = [
        ['network', r.network],
        ['kernelState', r.kernel_state],
        ['livenessState', r.liveness_state],
        ['livenessStateReason', r.liveness_state_reason],
        ['livenessExpectedKernelState', r.liveness_expected_kernel_state],
        ['livenessPeerMode', r.liveness_peer_mode],
        ['livenessLastUpdated', r.liveness_last_updated],
        ['peerClientVersion', r.peer_client_version],
      ];
      for (const [key, value] of optional) if (value !== undefined && value !== '') Object.assign(route, { [key]: value });
      return route;
    }),
    issues,
  };
}
