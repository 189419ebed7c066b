import { catLine, journalJsonLine, syslogLine } from '../../../lib/doublezerod';
import { fnv1a } from '../hash';
import type { JournalRecord } from '../history';
import type { SimNodeState } from '../state';

// journalctl's three output forms for doublezerod's records (systemd 252), built by the shared model
// (lib/doublezerod journal.ts). The daemon logs to stdout, so journald files every record at PRIORITY 6
// whatever its slog level, like on a real node.

export type JournalFormat = 'json' | 'cat' | 'short';

export function renderJournal(state: SimNodeState, records: readonly JournalRecord[], format: JournalFormat): string {
  if (format === 'cat') return records.map((r) => catLine(r.message) + '\n').join('');
  if (format === 'short') {
    if (records.length === 0) return '-- No entries --\n';
    return records.map((r) => `${syslogLine(state.name, r.pid, r.atMs, r.message)}\n`).join('');
  }
  return records.map((r) => journalJsonLine(journalContext(state, r), r.message) + '\n').join('');
}

function journalContext(state: SimNodeState, r: JournalRecord) {
  // journald stamps a record when it reads it: a few microseconds after the daemon's own time.
  const realtimeUs = BigInt(r.atMs) * 1000n + BigInt(Math.floor(r.subMsNanos / 1000)) + 40n;
  const monotonicUs = realtimeUs - BigInt(state.daemon.startedAtMs - 3_600_000) * 1000n;
  return {
    hostname: state.name,
    pid: r.pid,
    realtimeUs,
    monotonicUs,
    bootId: state.bootId,
    machineId: state.machineId,
    invocationId: fnv1a(`${state.name}|${r.pid}`).toString(16).padStart(32, '0'),
    streamId: fnv1a(`stream|${state.name}|${r.pid}`).toString(16).padStart(32, '0'),
    seqnum: BigInt(fnv1a(`${r.atMs}|${r.message}`)),
    argv: state.daemon.argv,
  };
}
