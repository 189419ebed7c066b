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

const routeSchema = z.looseObject({
  network: text,
  local_ip: ip,
  peer_ip: ip,
  kernel_state: text,
  liveness_state: text,
  liveness_state_reason: text,
  liveness_expected_kernel_state: text,
  liveness_peer_mode: text,
  liveness_last_updated: text,
  peer_client_version: text,
});

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
