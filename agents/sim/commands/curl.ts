import { SOCKET_PATH } from '../../../lib/probe/commands';
import { renderDaemonRoutes, renderDaemonStatus, renderDaemonV2Status, renderMetrics } from '../render/daemon';
import { NOT_FOUND_BODY } from '../../../lib/doublezerod';
import type { SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// curl against the daemon's unix socket API and its metrics port. Exit 7 (could not connect) when
// nothing listens, with curl's message only when not silenced by -s.

interface CurlArgs {
  silent: boolean;
  unixSocket?: string;
  url?: string;
}

function parseArgs(args: readonly string[]): CurlArgs | CommandResult {
  const out: CurlArgs = { silent: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '--silent' || a === '-sS') out.silent = true;
    else if (a === '-S' || a === '--show-error' || a === '-f' || a === '--fail') continue;
    else if (a === '--max-time' || a === '-m' || a === '--connect-timeout') {
      if (!/^\d+(\.\d+)?$/.test(args[++i] ?? '')) return fail(2, `curl: option ${a}: expected a proper numerical parameter\n`);
    } else if (a === '--unix-socket') {
      const v = args[++i];
      if (v === undefined) return fail(2, 'curl: option --unix-socket: requires parameter\n');
      out.unixSocket = v;
    } else if (a.startsWith('-')) return fail(2, `curl: option ${a}: is unknown\n`);
    else out.url = a;
  }
  return out;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function cannotConnect(args: CurlArgs, host: string, port: string): CommandResult {
  return fail(7, args.silent ? '' : `curl: (7) Failed to connect to ${host} port ${port} after 0 ms: Couldn't connect to server\n`);
}

export function runCurl(state: SimNodeState, argv: readonly string[], nowMs: number): CommandResult {
  const args = parseArgs(argv);
  if ('exitCode' in args) return args;
  if (!args.url) return fail(2, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
  const url = /^http:\/\/(\[[0-9a-f:]+\]|[^/:]+)(?::(\d+))?(\/.*)?$/.exec(args.url);
  if (!url) return fail(3, args.silent ? '' : `curl: (3) URL using bad/illegal format or missing URL\n`);
  const [, host = '', port = '80', path = '/'] = url;
  const { daemon } = state;
  if (args.unixSocket !== undefined) {
    if (args.unixSocket !== SOCKET_PATH || !daemon.active) return cannotConnect(args, host, port);
    if (path === '/routes') return ok(renderDaemonRoutes(state));
    if (path === '/status') return ok(renderDaemonStatus(state));
    if (path === '/v2/status') return ok(renderDaemonV2Status(state));
    return ok(NOT_FOUND_BODY);
  }
  // The metrics listener (-metrics-enable) on the port it got at start; loopback reaches it whatever it bound.
  if (LOOPBACK.has(host) && daemon.active && daemon.metricsPort > 0 && Number(port) === daemon.metricsPort) {
    if (path !== '/metrics') return ok(NOT_FOUND_BODY);
    return ok(renderMetrics(state, nowMs));
  }
  return cannotConnect(args, host, port);
}
