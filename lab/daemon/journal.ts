import { appendFileSync, readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { formatJournalRecord, type JournalOrigin, type Priority } from './journal-record';
import type { Instant } from './clock';

// The lab's stand-in for journald capturing the unit's stdout: each log line is appended as one
// journal record (see journal-record.ts) that the node's journalctl shim reads.
export interface JournalSink {
  write(at: Instant, priority: Priority, message: string): void;
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
  } catch {
    return '0'.repeat(32);
  }
}

export function openJournal(path: string, unit: string, identifier: string): JournalSink {
  const origin: JournalOrigin = {
    hostname: hostname(),
    bootId: readBootId(),
    pid: process.pid,
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    comm: identifier,
    exe: process.execPath,
    unit,
    identifier,
  };
  return {
    write(at, priority, message) {
      const monotonic = BigInt(Math.round(uptime() * 1_000_000));
      // One appendFileSync per record keeps records whole even if the daemon is killed mid-run.
      appendFileSync(path, formatJournalRecord(origin, at, monotonic, priority, message), { mode: 0o644 });
    },
  };
}
