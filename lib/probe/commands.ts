import type { SectionName } from '../bundle/types';

// The exact commands a probe runs on a node, as argv vectors (never user text).
// `journalSince` is an integer epoch second chosen by the agent, so it is safe to interpolate.
// The socket path is the one upstream's unit file passes (`-sock-file /run/doublezerod/doublezerod.sock`,
// client/doublezerod/cmd/doublezerod/doublezerod.service); the daemon's own default is /var/run/…, the same place.
export const SOCKET_PATH = '/run/doublezerod/doublezerod.sock';

/**
 * Finds where doublezerod serves its metrics and reads them (docs/doublezerod-model.md, "Metrics").
 * Upstream (cmd/doublezerod/main.go) serves them only with `-metrics-enable`, on `-metrics-addr`, whose
 * default `localhost:0` is a random port; the daemon then logs the real one once at start
 * (`"msg":"prometheus metrics server started","address":"127.0.0.1:PORT"`). So: the flags from the main
 * PID's command line, and for port 0 that start line of the same PID. Exit 4: metrics are off (not an
 * error of the node); 3: the daemon is not running; 5: the address cannot be found.
 * A fixed text: the simulated fleet recognises it by identity (agents/sim/commands).
 */
export const METRICS_SCRIPT = [
  'pid=$(systemctl show -p MainPID --value doublezerod 2>/dev/null)',
  'case $pid in ""|0) echo "doublezerod is not running" >&2; exit 3;; esac',
  'set -- $(tr "\\0" " " </proc/"$pid"/cmdline 2>/dev/null)',
  'on=; addr=localhost:0',
  'while [ $# -gt 0 ]; do',
  '  case $1 in',
  '    -metrics-enable|--metrics-enable|-metrics-enable=true|--metrics-enable=true) on=1;;',
  '    -metrics-enable=false|--metrics-enable=false) on=;;',
  '    -metrics-addr|--metrics-addr) shift; addr=${1:-};;',
  '    -metrics-addr=*|--metrics-addr=*) addr=${1#*=};;',
  '  esac',
  '  [ $# -gt 0 ] && shift',
  'done',
  '[ -n "$on" ] || { echo "metrics off: doublezerod runs without -metrics-enable" >&2; exit 4; }',
  'case $addr in',
  '  *:0) addr=$(journalctl _PID="$pid" -o cat --no-pager 2>/dev/null | sed -n \'/"msg":"prometheus metrics server started"/{s/.*"address":"\\([^"]*\\)".*/\\1/p;q;}\');;',
  'esac',
  '[ -n "$addr" ] || { echo "metrics address not found in the flags or the start log of PID $pid" >&2; exit 5; }',
  'case $addr in :*) addr=localhost$addr;; 0.0.0.0:*) addr=127.0.0.1:${addr#*:};; "[::]:"*) addr="[::1]:${addr##*:}";; esac',
  'exec curl -s --max-time 2 "http://$addr/metrics"',
].join('\n');

/** Exit codes of METRICS_SCRIPT that say "not there" rather than "failed". */
export const METRICS_OFF_EXIT = 4;

export interface ProbeOptions {
  /** epoch seconds; the journal is read from here (the agent keeps an overlap and dedupes) */
  journalSince: number;
}

export function sectionCommands(opts: ProbeOptions): Record<SectionName, readonly string[]> {
  const since = Math.max(0, Math.floor(opts.journalSince));
  return {
    'ip-link': ['ip', '-j', '-d', 'link', 'show'],
    'ip-addr': ['ip', '-j', 'addr', 'show'],
    'ip-route': ['ip', '-j', 'route', 'show', 'table', 'all'],
    'ip-rule': ['ip', '-j', 'rule', 'show'],
    // nft needs CAP_NET_ADMIN: the monitoring user gets exactly this command through sudoers.
    nft: ['sudo', '-n', 'nft', '-j', 'list', 'ruleset'],
    journal: ['journalctl', '-u', 'doublezerod', '--no-pager', '-o', 'json', '--since', `@${since}`],
    systemctl: ['systemctl', 'is-active', 'doublezerod'],
    'daemon-routes': ['curl', '-s', '--max-time', '2', '--unix-socket', SOCKET_PATH, 'http://localhost/routes'],
    metrics: ['sh', '-c', METRICS_SCRIPT],
    hostname: ['hostname'],
    // `version: X` (cmd/doublezerod/main.go, -version)
    'daemon-version': ['doublezerod', '-version'],
    // TZ=UTC: systemctl prints timestamps in local time with a zone abbreviation; UTC reads unambiguously.
    'systemctl-show': [
      'env',
      'TZ=UTC',
      'systemctl',
      'show',
      'doublezerod',
      '--no-pager',
      '-p',
      'MainPID,ActiveEnterTimestamp,ExecMainStartTimestamp,ExecStart',
    ],
    // {reconciler_enabled, client_ip, network, services[]} (internal/manager/http.go ServeV2Status)
    'daemon-status': ['curl', '-s', '--max-time', '2', '--unix-socket', SOCKET_PATH, 'http://localhost/v2/status'],
  };
}
