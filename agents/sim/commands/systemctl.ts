import { systemctlShow } from '../../../lib/doublezerod';
import { restartDaemon, stopDaemon } from '../mutations';
import type { SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// systemctl for doublezerod.service: is-active and show (anyone), restart/start/stop (root).

const UNIT = /^doublezerod(\.service)?$/;
const SHOWN = ['MainPID', 'ExecMainStartTimestamp', 'ExecStart', 'ActiveEnterTimestamp'] as const;

/** `systemctl show doublezerod [-p P[,P…]]… [--value] [--no-pager]`, for the properties the model knows. */
function show(state: SimNodeState, args: readonly string[]): CommandResult {
  const wanted = new Set<string>();
  let valueOnly = false;
  let unit: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--no-pager') continue;
    if (a === '--value') valueOnly = true;
    else if (a === '-p' || a === '--property') for (const p of (args[++i] ?? '').split(',')) wanted.add(p);
    else if (a.startsWith('--property=')) for (const p of a.slice(11).split(',')) wanted.add(p);
    else if (a.startsWith('-p') && a.length > 2) for (const p of a.slice(2).split(',')) wanted.add(p);
    else if (!a.startsWith('-') && unit === undefined) unit = a;
    else return fail(1, `systemctl: unrecognized option '${a}'\n`);
  }
  if (unit === undefined || !UNIT.test(unit)) return fail(1, 'systemctl: only "systemctl show doublezerod" is simulated\n');
  const d = state.daemon;
  const text = systemctlShow({
    mainPid: d.active ? d.pid : 0,
    activeEnterMs: d.activeEnterMs,
    execMainStartMs: d.active ? d.startedAtMs : d.exited ? d.startedAtMs : null,
    execPid: d.active ? d.pid : (d.exited?.pid ?? 0),
    argv: d.argv,
    ...(d.active || !d.exited ? {} : { exited: { atMs: d.exited.atMs, status: 0 } }),
  });
  const lines = text
    .trimEnd()
    .split('\n')
    .filter((l) => wanted.size === 0 || wanted.has(l.slice(0, l.indexOf('='))))
    .filter((l) => SHOWN.some((p) => l.startsWith(`${p}=`)))
    .map((l) => (valueOnly ? l.slice(l.indexOf('=') + 1) : l));
  return ok(lines.map((l) => `${l}\n`).join(''));
}

export function runSystemctl(state: SimNodeState, argv: readonly string[], nowMs: number, root: boolean): CommandResult {
  if (argv[0] === 'show') return show(state, argv.slice(1));
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
      if (!root)
        return fail(1, `Failed to ${verb} doublezerod.service: Access denied\nSee system logs and 'systemctl status doublezerod.service' for details.\n`);
      // start on a running unit does nothing, like systemd.
      if (verb === 'restart' || (verb === 'start' && !d.active)) restartDaemon(state, nowMs);
      else if (verb === 'stop' && d.active) stopDaemon(state, nowMs);
      return ok('');
    }
    default:
      return fail(1, `systemctl: "${verb}" is not simulated\n`);
  }
}
