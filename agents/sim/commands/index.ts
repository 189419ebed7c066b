import { METRICS_SCRIPT } from '../../../lib/probe/commands';
import { renderVersion } from '../render/daemon';
import type { SimNodeState } from '../state';
import { runCurl } from './curl';
import { runDoublezero } from './doublezero';
import { runIp } from './ip';
import { runJournalctl } from './journalctl';
import { runMetricsScript } from './metrics-script';
import { runNft } from './nft';
import { fail, notFound, ok, type CommandResult } from './result';
import { runSystemctl } from './systemctl';

export type { CommandResult } from './result';

// One argv, answered from the node's state. Nothing is ever evaluated: an argv that is not
// recognised is "command not found", like a node without that program.

// sudoers on a monitored node grants the monitoring user exactly these programs, without a password.
const SUDO_ALLOWED = new Set(['nft', 'systemctl', 'ip', 'doublezero']);

export function runCommand(state: SimNodeState, argv: readonly string[], nowMs: number): CommandResult {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return ok('');
  if (cmd === 'sudo') return runSudo(state, args, nowMs);
  return runProgram(state, cmd, args, nowMs, false);
}

function runSudo(state: SimNodeState, args: readonly string[], nowMs: number): CommandResult {
  let i = 0;
  let nonInteractive = false;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    if (args[i] === '-n' || args[i] === '--non-interactive') nonInteractive = true;
    else return fail(1, `sudo: unrecognized option '${args[i]}'\n`);
  }
  const [cmd, ...rest] = args.slice(i);
  if (cmd === undefined) return fail(1, 'usage: sudo -h | -K | -k | -V\n');
  if (!SUDO_ALLOWED.has(cmd)) {
    return fail(
      1,
      nonInteractive
        ? 'sudo: a password is required\n'
        : 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\n',
    );
  }
  if (cmd === 'nft' && !state.nft) return fail(1, 'sudo: nft: command not found\n');
  return runProgram(state, cmd, rest, nowMs, true);
}

function runProgram(state: SimNodeState, cmd: string, args: readonly string[], nowMs: number, root: boolean): CommandResult {
  switch (cmd) {
    case 'hostname':
      return ok(`${state.name}\n`);
    case 'ip':
      return runIp(state, args, nowMs, root);
    case 'nft':
      return state.nft ? runNft(state, args, nowMs, root) : notFound('nft');
    case 'systemctl':
      return runSystemctl(state, args, nowMs, root);
    case 'journalctl':
      return runJournalctl(state, args, nowMs);
    case 'curl':
      return runCurl(state, args, nowMs);
    case 'doublezero':
      return runDoublezero(state, args, nowMs, root);
    case 'doublezerod':
      // cmd/doublezerod/main.go: -version prints and exits; anything else would start a second daemon.
      if (args.length === 1 && (args[0] === '-version' || args[0] === '--version')) return ok(renderVersion(state));
      return fail(1, 'doublezerod: only "doublezerod -version" is simulated\n');
    case 'env': {
      // `env NAME=value… command…`: the simulated commands print UTC whatever TZ says.
      let i = 0;
      while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!)) i++;
      const [next, ...rest] = args.slice(i);
      return next === undefined ? ok('') : runProgram(state, next, rest, nowMs, root);
    }
    case 'sh':
      // The probe's metrics section: a fixed script, answered by identity (never interpreted).
      if (args.length === 2 && args[0] === '-c' && args[1] === METRICS_SCRIPT) return runMetricsScript(state, nowMs);
      return fail(2, 'sh: only the probe script or a single command is simulated\n');
    case 'true':
      return ok('');
    default:
      return notFound(cmd);
  }
}
