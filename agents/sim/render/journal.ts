import { fnv1a } from '../hash';
import type { JournalRecord } from '../history';
import type { SimNodeState } from '../state';

// journalctl's three output forms for doublezerod's records (systemd 252). The daemon logs to
// stdout, so journald files every record at PRIORITY 6 whatever its slog level, like on a real node.

export type JournalFormat = 'json' | 'cat' | 'short';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function renderJournal(state: SimNodeState, records: readonly JournalRecord[], format: JournalFormat): string {
  if (format === 'cat') return records.map((r) => r.message + '\n').join('');
  if (format === 'short') {
    if (records.length === 0) return '-- No entries --\n';
    return records.map((r) => `${syslogTime(r.atMs)} ${state.name} doublezerod[${r.pid}]: ${r.message}\n`).join('');
  }
  return records.map((r) => JSON.stringify(journaldObject(state, r)) + '\n').join('');
}

function syslogTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function journaldObject(state: SimNodeState, r: JournalRecord): Record<string, string> {
  // journald stamps a record when it reads it: a few microseconds after the daemon's own time.
  const realtimeUs = BigInt(r.atMs) * 1000n + BigInt(Math.floor(r.subMsNanos / 1000)) + 40n;
  const monotonicUs = realtimeUs - BigInt(state.daemon.startedAtMs - 3_600_000) * 1000n;
  const seq = fnv1a(`${r.atMs}|${r.message}`);
  return {
    __CURSOR: `s=${state.machineId};i=${seq.toString(16)};b=${state.bootId};m=${monotonicUs.toString(16)};t=${realtimeUs.toString(16)};x=${fnv1a(r.message).toString(16)}`,
    __REALTIME_TIMESTAMP: realtimeUs.toString(),
    __MONOTONIC_TIMESTAMP: monotonicUs.toString(),
    _BOOT_ID: state.bootId,
    PRIORITY: '6',
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: 'doublezerod',
    _PID: String(r.pid),
    _UID: '0',
    _GID: '0',
    _COMM: 'doublezerod',
    _EXE: '/usr/bin/doublezerod',
    _CMDLINE: '/usr/bin/doublezerod -sock-file /run/doublezerod/doublezerod.sock -env mainnet-beta',
    _CAP_EFFECTIVE: '1ffffffffff',
    _SYSTEMD_CGROUP: '/system.slice/doublezerod.service',
    _SYSTEMD_UNIT: 'doublezerod.service',
    _SYSTEMD_SLICE: 'system.slice',
    _SYSTEMD_INVOCATION_ID: fnv1a(`${state.name}|${r.pid}`).toString(16).padStart(32, '0'),
    _TRANSPORT: 'stdout',
    _STREAM_ID: fnv1a(`stream|${state.name}|${r.pid}`).toString(16).padStart(32, '0'),
    _MACHINE_ID: state.machineId,
    _HOSTNAME: state.name,
    MESSAGE: r.message,
  };
}
