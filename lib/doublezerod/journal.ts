// The three ways a doublezerod record reaches us through journald. The daemon writes JSON lines to stdout under
// systemd (cmd/doublezerod/doublezerod.service, no SyslogIdentifier=), so journald files each line with
// _TRANSPORT=stdout, PRIORITY=6 whatever the slog level, SYSLOG_IDENTIFIER=doublezerod (the process name).
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The unit's ExecStart as shipped (cmd/doublezerod/doublezerod.mainnet-beta.service). */
export const DEFAULT_DAEMON_ARGV: readonly string[] = ['/usr/bin/doublezerod', '-sock-file', '/run/doublezerod/doublezerod.sock', '-env', 'mainnet-beta'];

/** `journalctl -o short` time in UTC: `Nov 30 19:36:22` (zero-padded day, as journalctl prints it). */
export function syslogTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `journalctl -o short`: `Nov 30 19:36:22 dfw-mn-bm1 doublezerod[1027617]: {json}` (journald's own time). */
export function syslogLine(host: string, pid: number, journaldEpochMs: number, message: string): string {
  return `${syslogTimestamp(journaldEpochMs)} ${host} doublezerod[${pid}]: ${message}`;
}

/** `journalctl -o cat`: the message alone. */
export function catLine(message: string): string {
  return message;
}

export interface JournalEntryContext {
  hostname: string;
  pid: number;
  /** journald's receive time, µs since the epoch (a few µs after the record's own time) */
  realtimeUs: bigint;
  /** µs since boot */
  monotonicUs: bigint;
  bootId: string;
  machineId: string;
  /** the unit's invocation (changes on every start) */
  invocationId: string;
  streamId: string;
  /** sequence number inside the journal file, for __CURSOR */
  seqnum: bigint;
  /** the daemon's argv (_CMDLINE joins it with spaces) */
  argv?: readonly string[];
  /** `User=doublezero` is a system user: its uid/gid are the node's */
  uid?: number;
  gid?: number;
}

/**
 * A `journalctl -o json` object: every value a string (systemd prints strings for text fields), fields in the
 * order journald first stored them. _CAP_EFFECTIVE 3000 = CAP_NET_ADMIN|CAP_NET_RAW (AmbientCapabilities=).
 */
export function journalJsonObject(ctx: JournalEntryContext, message: string): Record<string, string> {
  const argv = ctx.argv ?? DEFAULT_DAEMON_ARGV;
  return {
    __CURSOR: `s=${ctx.machineId};i=${ctx.seqnum.toString(16)};b=${ctx.bootId};m=${ctx.monotonicUs.toString(16)};t=${ctx.realtimeUs.toString(16)};x=${((ctx.seqnum * 2654435761n) % 0xffffffffn).toString(16)}`,
    __REALTIME_TIMESTAMP: ctx.realtimeUs.toString(),
    __MONOTONIC_TIMESTAMP: ctx.monotonicUs.toString(),
    _BOOT_ID: ctx.bootId,
    PRIORITY: '6',
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: 'doublezerod',
    _PID: String(ctx.pid),
    _UID: String(ctx.uid ?? 998),
    _GID: String(ctx.gid ?? 998),
    _COMM: 'doublezerod',
    _EXE: argv[0] ?? '/usr/bin/doublezerod',
    _CMDLINE: argv.join(' '),
    _CAP_EFFECTIVE: '3000',
    _SYSTEMD_CGROUP: '/system.slice/doublezerod.service',
    _SYSTEMD_UNIT: 'doublezerod.service',
    _SYSTEMD_SLICE: 'system.slice',
    _SYSTEMD_INVOCATION_ID: ctx.invocationId,
    _TRANSPORT: 'stdout',
    _STREAM_ID: ctx.streamId,
    _MACHINE_ID: ctx.machineId,
    _HOSTNAME: ctx.hostname,
    MESSAGE: message,
  };
}

/** One `journalctl -o json` line (compact JSON, one object per line). */
export function journalJsonLine(ctx: JournalEntryContext, message: string): string {
  return JSON.stringify(journalJsonObject(ctx, message));
}
