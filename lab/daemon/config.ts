import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Everything a lab node's stand-in doublezerod needs to know, written by lab/up.sh as JSON into the
// node's private /run. In the real daemon this comes from the DoubleZero controller and CLI flags.
export const daemonConfigSchema = z.object({
  /** network moniker reported in `GET /routes` (`network`) */
  moniker: z.string().min(1),
  interfaceName: z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/),
  /** the underlay side of the overlay /31: next hop of every route the daemon installs */
  overlayPeer: z.ipv4(),
  /** the node's public IP: the DZ IP when connected without `-a` */
  publicIp: z.ipv4(),
  /** the IP the controller allocates on `connect -a`, added to the interface as a /32 */
  allocatedIp: z.ipv4(),
  /** /32s of other clients learned over BGP: one route and one liveness session each */
  peers: z.array(z.ipv4()).min(1),
  livenessPort: z.number().int().min(1).max(65535),
  /** Prometheus metrics on 127.0.0.1 of the node's namespace (the daemon's -metrics-addr) */
  metricsPort: z.number().int().min(1).max(65535),
  /** read-only API for everyone (the agent's curl GET /routes) */
  socketPath: z.string().min(1),
  /** full API, root only: what the CLI's connect/disconnect use */
  controlSocketPath: z.string().min(1),
  statePath: z.string().min(1),
  pidPath: z.string().min(1),
  journalPath: z.string().min(1),
  clientVersion: z.string().min(1).max(16),
});
export type DaemonConfig = z.infer<typeof daemonConfigSchema>;

export const DEFAULT_CONFIG_PATH = '/run/fnh-lab/doublezerod.json';

export function loadDaemonConfig(path = process.env.DOUBLEZEROD_CONFIG ?? DEFAULT_CONFIG_PATH): DaemonConfig {
  return daemonConfigSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
