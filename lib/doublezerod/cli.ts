// What the node prints about the daemon process: `doublezerod -version` and `systemctl show doublezerod`.
import type { BuildInfo } from './metrics';

/**
 * `doublezerod -version` (cmd/doublezerod/main.go, every tag since v0.7.0): three lines, build (goreleaser's
 * short commit), version, date.
 */
export function versionOutput(build: BuildInfo): string {
  return `build: ${build.commit}\nversion: ${build.version}\ndate: ${build.date}\n`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** systemd's format_timestamp with TZ=UTC: `Sun 2025-11-30 19:00:00 UTC`; empty for "never". */
export function systemdTimestamp(epochMs: number | null): string {
  if (epochMs === null) return '';
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

export interface UnitState {
  /** 0 when not running */
  mainPid: number;
  /** last time the unit entered `active` (kept after it stops); null: never */
  activeEnterMs: number | null;
  /** start of the current (or last) main process; null: never started */
  execMainStartMs: number | null;
  /** the daemon's argv as ExecStart= has it */
  argv: readonly string[];
  /** the last main process's pid (ExecStart's pid=) */
  execPid: number;
  /** the main process has exited (code=exited) */
  exited?: { atMs: number; status: number };
}

/**
 * `systemctl show doublezerod -p MainPID,ActiveEnterTimestamp,ExecMainStartTimestamp,ExecStart` (systemd 252):
 * properties in the bus vtable's order, not the -p order — the Service interface (MainPID, ExecMain…, ExecStart)
 * before the Unit interface (ActiveEnterTimestamp).
 */
export function systemctlShow(u: UnitState): string {
  const start = u.execMainStartMs === null ? 'n/a' : systemdTimestamp(u.execMainStartMs);
  const stop = u.exited ? systemdTimestamp(u.exited.atMs) : 'n/a';
  const code = u.exited ? 'exited' : '(null)';
  const status = u.exited ? `${u.exited.status}/${u.exited.status === 0 ? 'SUCCESS' : u.exited.status === 1 ? 'FAILURE' : String(u.exited.status)}` : '0/0';
  const execStart =
    u.execMainStartMs === null && u.execPid === 0
      ? `{ path=${u.argv[0] ?? ''} ; argv[]=${u.argv.join(' ')} ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`
      : `{ path=${u.argv[0] ?? ''} ; argv[]=${u.argv.join(' ')} ; ignore_errors=no ; start_time=[${start}] ; stop_time=[${stop}] ; pid=${u.execPid} ; code=${code} ; status=${status} }`;
  return (
    [
      `MainPID=${u.mainPid}`,
      `ExecMainStartTimestamp=${systemdTimestamp(u.execMainStartMs)}`,
      `ExecStart=${execStart}`,
      `ActiveEnterTimestamp=${systemdTimestamp(u.activeEnterMs)}`,
    ].join('\n') + '\n'
  );
}
