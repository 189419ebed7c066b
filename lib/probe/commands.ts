import type { SectionName } from '../bundle/types';

// The exact commands a probe runs on a node, as argv vectors (never user text).
// `journalSince` is an integer epoch second chosen by the agent, so it is safe to interpolate.
export const SOCKET_PATH = '/run/doublezerod/doublezerod.sock';
export const METRICS_URL = 'http://localhost:2113/metrics';

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
    metrics: ['curl', '-s', '--max-time', '2', METRICS_URL],
    hostname: ['hostname'],
  };
}
