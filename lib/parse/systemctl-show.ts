import { clip, type ParseIssue } from './issues';

/** What `env TZ=UTC systemctl show doublezerod -p MainPID,ActiveEnterTimestamp,ExecMainStartTimestamp,ExecStart` tells. */
export interface DaemonUnit {
  /** 0 or absent when the unit is not running */
  mainPid: number | null;
  /** when the unit last became active: a restart moves it; ISO-8601 */
  activeSince: string | null;
  /** when the main process started; ISO-8601 */
  mainStartedAt: string | null;
  /** the command line systemd starts the daemon with (`argv[]=` of ExecStart), split on spaces */
  argv: string[] | null;
}

// systemd's format_timestamp(): "Sun 2025-11-30 19:00:00 UTC" (weekday, date, time, zone); empty when never.
const TIMESTAMP = /^(?:[A-Z][a-z]{2} )?(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)? (UTC|GMT|Z)$/;
// ExecStart={ path=/usr/bin/doublezerod ; argv[]=/usr/bin/doublezerod -sock-file … ; ignore_errors=no ; … }
const EXEC_ARGV = /argv\[\]=([^;]*?)\s*;/;

/** Reads `systemctl show` key=value lines; never throws. Timestamps must be UTC (the probe sets TZ=UTC). */
export function parseSystemctlShow(stdout: string): { value: DaemonUnit; issues: ParseIssue[] } {
  const issues: ParseIssue[] = [];
  const value: DaemonUnit = { mainPid: null, activeSince: null, mainStartedAt: null, argv: null };
  String(stdout)
    .split('\n')
    .forEach((line, index) => {
      const eq = line.indexOf('=');
      if (eq <= 0) return;
      const key = line.slice(0, eq);
      const text = line.slice(eq + 1).trim();
      if (key === 'MainPID') {
        const n = Number(text);
        if (Number.isSafeInteger(n) && n >= 0) value.mainPid = n === 0 ? null : n;
        else issues.push({ at: index + 1, message: `systemctl show: MainPID is not a number: ${clip(text, 40)}` });
      } else if (key === 'ActiveEnterTimestamp' || key === 'ExecMainStartTimestamp') {
        if (text === '' || text === 'n/a') return;
        const m = TIMESTAMP.exec(text);
        const iso = m ? new Date(`${m[1]}T${m[2]}Z`) : null;
        if (!iso || Number.isNaN(iso.getTime())) {
          issues.push({ at: index + 1, message: `systemctl show: ${key} is not a UTC timestamp: ${clip(text, 60)}` });
          return;
        }
        if (key === 'ActiveEnterTimestamp') value.activeSince = iso.toISOString();
        else value.mainStartedAt = iso.toISOString();
      } else if (key === 'ExecStart') {
        const m = EXEC_ARGV.exec(text);
        if (m) value.argv = m[1]!.trim().split(/\s+/).filter(Boolean).slice(0, 200);
      }
    });
  return { value, issues };
}
