import { METRICS_OFF_EXIT } from '../../../lib/probe/commands';
import { metricsAddrFlag, metricsEnabled, metricsListenAddress } from '../daemon-model';
import type { SimNodeState } from '../state';
import { runCurl } from './curl';
import { fail, type CommandResult } from './result';

// `sh -c METRICS_SCRIPT` (lib/probe/commands.ts), recognised by identity and answered as the script would run
// on this node: the main PID from systemd, the flags from its command line, for port 0 the address the daemon
// logged at start, then curl. Exit 3: not running; 4: metrics off; 5: no address.

export function runMetricsScript(state: SimNodeState, nowMs: number): CommandResult {
  const d = state.daemon;
  if (!d.active) return fail(3, 'doublezerod is not running\n');
  if (!metricsEnabled(state)) return fail(METRICS_OFF_EXIT, 'metrics off: doublezerod runs without -metrics-enable\n');
  let addr = metricsAddrFlag(state);
  // Port 0: the script reads `"msg":"prometheus metrics server started","address":…` of this PID.
  if (/:0$/.test(addr)) addr = d.metricsPort > 0 ? metricsListenAddress(state) : '';
  if (addr === '') return fail(5, `metrics address not found in the flags or the start log of PID ${d.pid}\n`);
  if (addr.startsWith(':')) addr = `localhost${addr}`;
  else if (addr.startsWith('0.0.0.0:')) addr = `127.0.0.1:${addr.slice(8)}`;
  else if (addr.startsWith('[::]:')) addr = `[::1]:${addr.slice(5)}`;
  return runCurl(state, ['-s', '--max-time', '2', `http://${addr}/metrics`], nowMs);
}
