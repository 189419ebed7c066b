import { readFileSync } from 'node:fs';
import { z } from 'zod';

// What a lab node's stand-in doublezerod knows besides its flags, written by lab/up.sh as JSON into the
// node's private /run. In the real daemon this comes from the DoubleZero controller (provisioning), the CLI
// and the build (version).
const tunnelName = z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/);

export const daemonConfigSchema = z.object({
  /** the upstream client version this node's daemon behaves as (docs/doublezerod-model.md) */
  clientVersion: z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/),
  /** network moniker (`-env`): the `network` of `GET /routes` */
  moniker: z.string().min(1),
  livenessPort: z.number().int().min(1).max(65535),
  /** where the underlay takes packets that a pinned send would have put on-link (lab/README.md) */
  onLinkRelayPort: z.number().int().min(1).max(65535),
  unicast: z.object({
    interfaceName: tunnelName,
    /** the underlay side of the overlay /31: next hop of every route BGP installs */
    overlayPeer: z.ipv4(),
    overlayLocal: z.ipv4(),
    /** the node's public IP: the DZ IP when connected without `-a` */
    publicIp: z.ipv4(),
    /** the IP the controller allocates on `connect -a`, added to the tunnel as a /32 */
    allocatedIp: z.ipv4(),
    /** /32s of other clients learned over BGP: one route and one liveness session each */
    peers: z.array(z.ipv4()).min(1),
  }),
  /** the multicast service (doublezero1), set up by lab/up.sh; null on unicast-only nodes */
  multicast: z
    .object({
      interfaceName: tunnelName,
      overlayPeer: z.ipv4(),
      overlayLocal: z.ipv4(),
      subscribeGroups: z.array(z.ipv4()).min(1),
    })
    .nullable(),
  /** full API, root only: what the CLI's connect/disconnect use */
  controlSocketPath: z.string().min(1),
  statePath: z.string().min(1),
  pidPath: z.string().min(1),
  journalPath: z.string().min(1),
  /** what `systemctl show doublezerod` answers for this start (the systemctl shim reads it) */
  systemctlShowPath: z.string().min(1),
  /** what `doublezerod -version` prints (the doublezerod shim reads it) */
  versionPath: z.string().min(1),
});
export type DaemonConfig = z.infer<typeof daemonConfigSchema>;

export const DEFAULT_CONFIG_PATH = '/run/fnh-lab/doublezerod.json';

export function loadDaemonConfig(path = process.env.DOUBLEZEROD_CONFIG ?? DEFAULT_CONFIG_PATH): DaemonConfig {
  return daemonConfigSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}
