import { createHash } from 'node:crypto';
import { catLine, journalJsonLine, syslogLine, syslogTimestamp, type DaemonRecord } from '../../../lib/doublezerod';

// A fixture's journal.log: doublezerod's records (lib/doublezerod builds each line and each journald carrier)
// interleaved with systemd's own lines about the unit, as `journalctl -u doublezerod` prints them in one of the
// three forms a bundle may hold (DESIGN.md "Capture bundle"): `-o json`, `-o short` (syslog prefix), `-o cat`.
export type JournalForm = 'json' | 'short' | 'cat';

export type JournalItem = { source: 'daemon'; pid: number; record: DaemonRecord } | { source: 'systemd'; atMs: number; message: string };

export interface JournalHost {
  /** the fixture's name: every id journald would assign is derived from it, so regenerating is byte-identical */
  seed: string;
  hostname: string;
  /** when the node booted (for __MONOTONIC_TIMESTAMP) */
  bootMs: number;
  /** the daemon's argv per PID (journald's _CMDLINE) */
  argv: readonly string[];
}

function hexId(seed: string, label: string): string {
  return createHash('sha256').update(`${seed}\u0000${label}`).digest('hex').slice(0, 32);
}

function itemMs(item: JournalItem): number {
  return item.source === 'daemon' ? item.record.at.epochMs : item.atMs;
}

/** journald stamps a line when it reads it from the unit's stdout: a few tens of µs after the record's own time. */
function receiveUs(item: JournalItem, n: number): bigint {
  if (item.source === 'systemd') return BigInt(Math.round(item.atMs * 1000));
  const at = item.record.at;
  const nanos = BigInt(at.epochMs) * 1_000_000n + BigInt(at.subMsNanos ?? 0);
  return nanos / 1000n + BigInt(31 + ((n * 17) % 53));
}

/** systemd's own record about the unit (PID 1, `UNIT=doublezerod.service`, journald transport). */
function systemdJson(host: JournalHost, realtimeUs: bigint, monotonicUs: bigint, seqnum: bigint, message: string): string {
  const machineId = hexId(host.seed, 'machine');
  const bootId = hexId(host.seed, 'boot');
  return JSON.stringify({
    __CURSOR: `s=${machineId};i=${seqnum.toString(16)};b=${bootId};m=${monotonicUs.toString(16)};t=${realtimeUs.toString(16)};x=${((seqnum * 2654435761n) % 0xffffffffn).toString(16)}`,
    __REALTIME_TIMESTAMP: realtimeUs.toString(),
    __MONOTONIC_TIMESTAMP: monotonicUs.toString(),
    _BOOT_ID: bootId,
    PRIORITY: '6',
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: 'systemd',
    _PID: '1',
    _UID: '0',
    _GID: '0',
    _COMM: 'systemd',
    _EXE: '/usr/lib/systemd/systemd',
    _CMDLINE: '/sbin/init',
    _SYSTEMD_CGROUP: '/init.scope',
    _SYSTEMD_UNIT: 'init.scope',
    _SYSTEMD_SLICE: '-.slice',
    _TRANSPORT: 'journal',
    UNIT: 'doublezerod.service',
    _MACHINE_ID: machineId,
    _HOSTNAME: host.hostname,
    MESSAGE: message,
  });
}

/** The journal, in time order, in one form. */
export function renderJournal(host: JournalHost, items: readonly JournalItem[], form: JournalForm): string {
  const sorted = [...items].sort((a, b) => itemMs(a) - itemMs(b));
  const lines = sorted.map((item, n) => {
    const realtimeUs = receiveUs(item, n);
    const realtimeMs = Number(realtimeUs / 1000n);
    const monotonicUs = realtimeUs - BigInt(host.bootMs) * 1000n;
    const seqnum = BigInt(1_000_000 + n);
    if (item.source === 'systemd') {
      if (form === 'json') return systemdJson(host, realtimeUs, monotonicUs, seqnum, item.message);
      if (form === 'short') return `${syslogTimestamp(realtimeMs)} ${host.hostname} systemd[1]: ${item.message}`;
      return item.message;
    }
    const line = item.record.line;
    if (form === 'short') return syslogLine(host.hostname, item.pid, realtimeMs, line);
    if (form === 'cat') return catLine(line);
    return journalJsonLine(
      {
        hostname: host.hostname,
        pid: item.pid,
        realtimeUs,
        monotonicUs,
        bootId: hexId(host.seed, 'boot'),
        machineId: hexId(host.seed, 'machine'),
        invocationId: hexId(host.seed, `invocation ${item.pid}`),
        streamId: hexId(host.seed, `stream ${item.pid}`),
        seqnum,
        argv: host.argv,
      },
      line,
    );
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
