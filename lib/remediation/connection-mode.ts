import { parseDaemonStatus } from '../parse/daemon-status';
import { SOCKET_PATH } from '../probe/commands';

// How the node's unicast DoubleZero service is connected, read from the daemon itself, so a reconnect
// replays the same mode. Upstream (malbeclabs/doublezero):
// - `doublezero connect ibrl [-a|--allocate-addr]` provisions user type IBRL, or IBRLWithAllocatedIP with -a
//   (client/doublezero/src/command/connect.rs parse_dz_mode; crates/doublezero-daemon-cli/src/connect.rs
//   in later clients). Multicast is `connect multicast …` with publisher/subscriber groups.
// - `doublezero disconnect ibrl` deletes only the IBRL/IBRLWithAllocatedIP users of the node; without the
//   mode it deletes every user of the client IP, multicast included (…/command/disconnect.rs).
// - the daemon reports each provisioned service's user_type on `GET /status` (every version; /v2/status
//   only from v0.10.0), internal/manager/http.go. Its socket is mode 0666 (internal/runtime/run.go), so
//   reading it needs no privilege.
// Reconnecting without -a on a node that used -a is the seed incident (upstream issue 2320).

export const unicastModes = ['ibrl', 'ibrl-allocated'] as const;
export type UnicastMode = (typeof unicastModes)[number];

export const unicastModeTitles: Record<UnicastMode, string> = {
  ibrl: 'IBRL',
  'ibrl-allocated': 'IBRL with allocated IP',
};

const userTypeModes: Readonly<Record<string, UnicastMode>> = { IBRL: 'ibrl', IBRLWithAllocatedIP: 'ibrl-allocated' };

/** Read-only; runs as the monitoring user. A fixed argv: the simulated fleet answers it like a node. */
export const connectionStatusArgv: readonly string[] = ['curl', '-s', '--max-time', '2', '--unix-socket', SOCKET_PATH, 'http://localhost/status'];

export type ModeReading =
  | {
      ok: true;
      mode: UnicastMode;
      /** the DZ IP of the unicast service, when the daemon reports one */
      dzIp: string | null;
      /** the node also runs multicast, which a unicast reconnect leaves alone */
      alsoMulticast: boolean;
    }
  | { ok: false; reason: string };

export interface StatusReadResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The unicast mode the daemon reports, or why it cannot be told. Pure. */
export function readUnicastMode(result: StatusReadResult): ModeReading {
  if (result.exitCode !== 0) {
    const why =
      result.exitCode === 7
        ? 'nothing answers on its socket (curl exit 7): is doublezerod running?'
        : result.exitCode === null
          ? 'no exit status: the read timed out or the connection dropped'
          : `curl exit ${result.exitCode}`;
    return { ok: false, reason: `could not read the daemon's status (${why})` };
  }
  const { value, issues } = parseDaemonStatus(result.stdout);
  if (!value) return { ok: false, reason: `could not read the daemon's status: ${issues.map((i) => i.message).join('; ') || 'no answer'}` };
  const types = value.services.map((s) => s.userType);
  const unicast = value.services.filter((s) => s.userType !== 'Multicast');
  const alsoMulticast = types.includes('Multicast');
  if (value.services.length === 0) {
    const dropped = issues.length ? ` (${issues.map((i) => i.message).join('; ')})` : '';
    return {
      ok: false,
      reason: `the daemon reports no connected service${dropped}, so the mode it was connected with cannot be read; connect it by hand in the mode it should have`,
    };
  }
  if (unicast.length === 0) {
    return {
      ok: false,
      reason:
        'the node is connected only as Multicast: a multicast reconnect needs its publisher/subscriber groups, which this action does not replay; reconnect it by hand',
    };
  }
  if (unicast.length > 1)
    return {
      ok: false,
      reason: `the daemon reports ${unicast.length} unicast services (${types.join(', ')}); the daemon runs one, so this status cannot be trusted`,
    };
  const service = unicast[0]!;
  const mode = service.userType === null ? undefined : userTypeModes[service.userType];
  if (mode === undefined) {
    const shown = service.userType === null ? 'no user type' : `user type ${JSON.stringify(service.userType.slice(0, 40))}`;
    return { ok: false, reason: `the unicast service has ${shown}; only IBRL and IBRLWithAllocatedIP can be reconnected with \`doublezero connect ibrl\`` };
  }
  return { ok: true, mode, dzIp: service.doubleZeroIp, alsoMulticast };
}

/** What the preview says about the choice, e.g. "connected as IBRL with allocated IP: will run `doublezero connect ibrl -a`". */
export function describeModeChoice(reading: Extract<ModeReading, { ok: true }>, connectArgv: readonly string[]): string {
  const shown = connectArgv[0] === 'sudo' && connectArgv[1] === '-n' ? connectArgv.slice(2) : connectArgv;
  const ip = reading.dzIp ? ` (DZ IP ${reading.dzIp})` : '';
  const multicast = reading.alsoMulticast ? '; its multicast service stays connected (only the IBRL user is disconnected)' : '';
  return `connected as ${unicastModeTitles[reading.mode]}${ip}: will run \`${shown.join(' ')}\`${multicast}`;
}

/** Why a run stops at its re-read: the node no longer reports the mode the commands were chosen for. */
export function modeChangedSince(reading: ModeReading, expected: UnicastMode): string | null {
  if (!reading.ok) return `stopped before changing anything: ${reading.reason}`;
  if (reading.mode === expected) return null;
  return `stopped before changing anything: the commands were chosen for ${unicastModeTitles[expected]}, but the node now reports ${unicastModeTitles[reading.mode]}; preview and request again`;
}
