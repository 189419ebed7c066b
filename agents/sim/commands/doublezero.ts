import { cliConnect, cliDisconnectMulticast, cliDisconnectUnicast } from '../mutations';
import { renderDaemonStatus } from '../render/daemon';
import type { SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// The `doublezero` CLI, as far as the remediation catalog uses it: `connect ibrl [-a]`,
// `disconnect [ibrl|multicast]`, and `status --json`. It talks to the daemon over its socket.
// A bare `disconnect` removes every user of the node, multicast included (client/doublezero disconnect.rs).
// `connect ibrl` without -a on a node that used -a replays the seed incident on clients up to v0.8.0.

export function runDoublezero(state: SimNodeState, argv: readonly string[], nowMs: number, root: boolean): CommandResult {
  const [verb, ...rest] = argv;
  if (!state.daemon.active) return fail(1, 'Error: doublezerod is not running (no socket at /run/doublezerod/doublezerod.sock)\n');
  if (verb === 'status') {
    if (rest.join(' ') !== '--json') return fail(2, 'error: only "doublezero status --json" is simulated\n');
    return ok(renderDaemonStatus(state));
  }
  if (!root) return fail(1, 'Error: permission denied on /run/doublezerod/doublezerod.sock\n');
  if (verb === 'disconnect' && rest.length <= 1) {
    const mode = rest[0];
    if (mode !== undefined && mode !== 'ibrl' && mode !== 'multicast') return fail(2, `error: invalid value '${mode}' for '[DZ_MODE]'\n`);
    if (mode !== 'multicast') cliDisconnectUnicast(state, nowMs);
    if (mode !== 'ibrl') cliDisconnectMulticast(state, nowMs);
    return ok('Disconnecting DoubleZero service\nDisconnected\n');
  }
  if (verb === 'connect' && rest[0] === 'ibrl' && rest.length <= 2) {
    const flags = rest.slice(1);
    if (flags.some((f) => f !== '-a' && f !== '--allocate-addr')) return fail(2, `error: unexpected argument '${flags[0]}' found\n`);
    if (state.daemon.connected) return fail(1, 'Error: already connected; run doublezero disconnect first\n');
    cliConnect(state, flags.length === 1, nowMs);
    return ok(`Connecting DoubleZero service (IBRL)\nConnected: tunnel doublezero0, DZ IP ${state.daemon.provision?.dzIp ?? ''}\n`);
  }
  return fail(2, `error: unrecognized subcommand '${verb ?? ''}'\n`);
}
