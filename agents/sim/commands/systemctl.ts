import { restartDaemon, stopDaemon } from '../mutations';
import type { SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// systemctl for doublezerod.service: is-active (anyone), restart/start/stop (root).

const UNIT = /^doublezerod(\.service)?$/;

export function runSystemctl(state: SimNodeState, argv: readonly string[], nowMs: number, root: boolean): CommandResult {
  const [verb, unit, ...extra] = argv;
  if (verb === undefined || unit === undefined || extra.length > 0) return fail(1, 'systemctl: only "systemctl VERB doublezerod" is simulated\n');
  if (!UNIT.test(unit)) {
    if (verb === 'is-active') return fail(4, '', 'inactive\n');
    return fail(5, `Failed to ${verb} ${unit}.service: Unit ${unit}.service not found.\n`);
  }
  const d = state.daemon;
  switch (verb) {
    case 'is-active':
      return d.active ? ok('active\n') : fail(3, '', 'inactive\n');
    case 'restart':
    case 'start':
    case 'stop': {
      if (!root) return fail(1, `Failed to ${verb} doublezerod.service: Access denied\nSee system logs and 'systemctl status doublezerod.service' for details.\n`);
      // start on a running unit does nothing, like systemd.
      if (verb === 'restart' || (verb === 'start' && !d.active)) restartDaemon(state, nowMs);
      else if (verb === 'stop' && d.active) stopDaemon(state, nowMs);
      return ok('');
    }
    default:
      return fail(1, `systemctl: "${verb}" is not simulated\n`);
  }
}
