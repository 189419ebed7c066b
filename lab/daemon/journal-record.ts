import { instantMillis, type Instant } from './clock';

// One journal entry as the lab's journal store keeps it: a single line of tab-separated columns,
//   <µs since epoch> \t <journalctl -o json object> \t <journalctl -o short line> \t <journalctl -o cat line>
// so the journalctl shim (POSIX sh + awk, fast enough to run on every poll) only filters by time and
// picks a column. Every column is free of tabs and newlines: the JSON is escaped, and the daemon's
// MESSAGE is itself one line of JSON.

export interface JournalOrigin {
  hostname: string;
  bootId: string;
  pid: number;
  uid: number;
  gid: number;
  comm: string;
  exe: string;
  unit: string;
  identifier: string;
}

/** syslog priority: 3 err, 4 warning, 6 info, 7 debug */
export type Priority = 3 | 4 | 6 | 7;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shortTimestamp(t: Instant): string {
  const d = new Date(instantMillis(t));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function singleLine(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ');
}

export function formatJournalRecord(
  origin: JournalOrigin,
  at: Instant,
  monotonicMicros: bigint,
  priority: Priority,
  message: string,
): string {
  const msg = singleLine(message);
  const realtime = at.micros.toString();
  // journalctl -o json prints every field as a string, in this order for the trusted fields.
  const entry = {
    __CURSOR: `s=${origin.bootId};i=${at.micros.toString(16)};b=${origin.bootId};m=${monotonicMicros.toString(16)};t=${at.micros.toString(16)};x=0`,
    __REALTIME_TIMESTAMP: realtime,
    __MONOTONIC_TIMESTAMP: monotonicMicros.toString(),
    _BOOT_ID: origin.bootId,
    PRIORITY: String(priority),
    SYSLOG_FACILITY: '3',
    SYSLOG_IDENTIFIER: origin.identifier,
    _PID: String(origin.pid),
    _UID: String(origin.uid),
    _GID: String(origin.gid),
    _COMM: origin.comm,
    _EXE: origin.exe,
    _SYSTEMD_UNIT: origin.unit,
    _TRANSPORT: 'stdout',
    _HOSTNAME: origin.hostname,
    MESSAGE: msg,
  };
  const short = `${shortTimestamp(at)} ${origin.hostname} ${origin.identifier}[${origin.pid}]: ${msg}`;
  return `${realtime}\t${JSON.stringify(entry)}\t${short}\t${msg}\n`;
}

