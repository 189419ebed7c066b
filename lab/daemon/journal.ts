import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { hostname, uptime } from 'node:os';
import { catLine, journalJsonLine, syslogLine, type JournalEntryContext } from '../../lib/doublezerod';

// The lab's stand-in for journald capturing the unit's stdout. Each daemon line is stored as one record the
// node's journalctl shim can print in all three forms without parsing anything:
//   <µs since epoch> \t <journalctl -o json object> \t <journalctl -o short line> \t <journalctl -o cat line>
// The forms themselves are lib/doublezerod's (what journald prints for a doublezerod line); every column is
// free of tabs and newlines because a slog line is one line of JSON.
export interface JournalSink {
  /** stores one stdout line of the daemon; `atMs` is when journald would have received it */
  write(atMs: number, line: string): void;
}

function readId(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().replace(/-/g, '');
  } catch {
    return randomBytes(16).toString('hex');
  }
}

function existingRecords(path: string): bigint {
  try {
    return BigInt(readFileSync(path, 'utf8').split('\n').length - 1);
  } catch {
    return 0n;
  }
}

export function openJournal(path: string, argv: readonly string[]): JournalSink {
  const host = hostname();
  const bootId = readId('/proc/sys/kernel/random/boot_id');
  const machineId = readId('/etc/machine-id');
  // one invocation and one stdout stream per start of the unit, as journald assigns them
  const invocationId = randomBytes(16).toString('hex');
  const streamId = randomBytes(16).toString('hex');
  let seqnum = existingRecords(path);
  return {
    write(atMs, line) {
      seqnum++;
      const realtimeUs = BigInt(Math.round(atMs * 1000));
      const ctx: JournalEntryContext = {
        hostname: host,
        pid: process.pid,
        realtimeUs,
        monotonicUs: BigInt(Math.round(uptime() * 1_000_000)),
        bootId,
        machineId,
        invocationId,
        streamId,
        seqnum,
        argv,
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
      };
      const record = `${realtimeUs}\t${journalJsonLine(ctx, line)}\t${syslogLine(host, process.pid, atMs, line)}\t${catLine(line)}\n`;
      // One appendFileSync per record keeps records whole even if the daemon is killed mid-run.
      appendFileSync(path, record, { mode: 0o644 });
    },
  };
}
