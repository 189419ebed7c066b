import { journalRecords } from '../history';
import { renderJournal, type JournalFormat } from '../render/journal';
import type { SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// `journalctl` for the doublezerod unit: -u/--unit, -o/--output (json, cat, short), --since
// (@EPOCH or "YYYY-MM-DD HH:MM:SS" UTC), -n/--lines, --no-pager, -q. Anything else is refused the
// way journalctl refuses it.

interface JournalArgs {
  unit?: string;
  /** a `_PID=N` match */
  pid?: number;
  format: JournalFormat;
  sinceMs: number;
  lines?: number;
}

const FORMATS: Record<string, JournalFormat> = { json: 'json', cat: 'cat', short: 'short' };

function parseSince(value: string): number | null {
  const epoch = /^@(\d{1,12})$/.exec(value);
  if (epoch) return Number(epoch[1]) * 1000;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = iso;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function parseArgs(args: readonly string[]): JournalArgs | CommandResult {
  const out: JournalArgs = { format: 'short', sinceMs: 0 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const takeValue = (): string | null => {
      if (eq > 0) return a.slice(eq + 1);
      if (/^-[uoSn]./.test(a)) return a.slice(2);
      const v = args[i + 1];
      if (v === undefined) return null;
      i++;
      return v;
    };
    const short = /^-[uoSn]/.test(a) ? a.slice(0, 2) : name;
    switch (short) {
      case '--no-pager':
      case '-q':
      case '--quiet':
        break;
      case '-u':
      case '--unit': {
        const v = takeValue();
        if (v === null) return fail(1, "journalctl: option requires an argument -- 'u'\n");
        out.unit = v.replace(/\.service$/, '');
        break;
      }
      case '-o':
      case '--output': {
        const v = takeValue();
        const f = v === null ? undefined : FORMATS[v];
        if (!f) return fail(1, `Unknown output format '${v ?? ''}'.\n`);
        out.format = f;
        break;
      }
      case '-S':
      case '--since': {
        const v = takeValue() ?? '';
        const ms = parseSince(v);
        if (ms === null) return fail(1, `Failed to parse timestamp: ${v}\n`);
        out.sinceMs = ms;
        break;
      }
      case '-n':
      case '--lines': {
        const v = takeValue() ?? '';
        if (!/^\d{1,9}$/.test(v)) return fail(1, `Failed to parse lines '${v}'\n`);
        out.lines = Number(v);
        break;
      }
      default: {
        const pid = /^_PID=(\d{1,9})$/.exec(a);
        if (pid) {
          out.pid = Number(pid[1]);
          break;
        }
        return fail(1, `journalctl: unrecognized option '${a}'\n`);
      }
    }
  }
  return out;
}

export function runJournalctl(state: SimNodeState, args: readonly string[], nowMs: number): CommandResult {
  const parsed = parseArgs(args);
  if ('exitCode' in parsed) return parsed;
  let records = parsed.unit === undefined || parsed.unit === 'doublezerod' ? journalRecords(state, parsed.sinceMs, nowMs) : [];
  if (parsed.pid !== undefined) records = records.filter((r) => r.pid === parsed.pid);
  if (parsed.lines !== undefined) records = records.slice(Math.max(0, records.length - parsed.lines));
  return ok(renderJournal(state, records, parsed.format));
}
