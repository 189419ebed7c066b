// Wraps slog JSON lines (stdin) into one of the three forms doublezerod's journal is read in:
//   syslog  `Nov 26 04:50:01 <host> doublezerod[<pid>]: {json}`   (journalctl default / syslog files)
//   json    `journalctl -o json` objects, MESSAGE as a string
//   bytes   `journalctl -o json` objects, MESSAGE as an array of bytes (how journald prints binary-safe text)
//   cat     bare JSON (`journalctl -o cat`)
//   node journal-form.mjs FORM HOST PID < lines > journal.log
import { readFileSync } from 'node:fs';

const [form, host, pid] = process.argv.slice(2);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PRIORITY = { DEBUG: '7', INFO: '6', WARN: '4', ERROR: '3' };
const lines = readFileSync(0, 'utf8').split('\n').filter(Boolean);
let seq = 0;
for (const line of lines) {
  const record = JSON.parse(line);
  const at = new Date(record.time);
  if (form === 'cat') {
    process.stdout.write(`${line}\n`);
  } else if (form === 'syslog') {
    const pad = (n) => String(n).padStart(2, '0');
    const stamp = `${MONTHS[at.getUTCMonth()]} ${pad(at.getUTCDate())} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;
    process.stdout.write(`${stamp} ${host} doublezerod[${pid}]: ${line}\n`);
  } else if (form === 'json' || form === 'bytes') {
    seq++;
    const entry = {
      __REALTIME_TIMESTAMP: String(at.getTime() * 1000),
      _HOSTNAME: host,
      _PID: String(pid),
      _SYSTEMD_UNIT: 'doublezerod.service',
      SYSLOG_IDENTIFIER: 'doublezerod',
      PRIORITY: PRIORITY[record.level] ?? '6',
      MESSAGE: form === 'json' ? line : Array.from(Buffer.from(line, 'utf8')),
      __SEQNUM: String(seq),
    };
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  } else {
    throw new Error(`unknown form ${form}`);
  }
}
