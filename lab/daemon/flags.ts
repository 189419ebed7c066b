// The daemon's command line, parsed as Go's flag package parses upstream's (cmd/doublezerod/main.go):
// `-name value`, `-name=value`, one or two dashes, booleans bare or `=true|false`, parsing stops at the first
// non-flag. Only the flags the lab uses are known; any other is an error, as with Go's flag.Parse (exit 2).

export interface DaemonFlags {
  version: boolean;
  sockFile: string;
  env: string;
  metricsEnable: boolean;
  /** `localhost:0` by default: a random port, logged once the listener is up */
  metricsAddr: string;
  /** null: the version's default (`-route-liveness-enable-passive` defaults to true since v0.8.3) */
  livenessPassive: boolean | null;
  livenessActive: boolean;
}

const BOOL_FLAGS = new Set(['version', 'metrics-enable', 'route-liveness-enable-passive', 'route-liveness-enable-active', 'v']);
const STRING_FLAGS = new Set(['sock-file', 'env', 'metrics-addr']);

export class FlagError extends Error {}

function parseBool(name: string, text: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  throw new FlagError(`invalid boolean value "${text}" for -${name}: parse error`);
}

export function parseDaemonFlags(argv: readonly string[]): DaemonFlags {
  const flags: DaemonFlags = {
    version: false,
    sockFile: '/var/run/doublezerod/doublezerod.sock',
    env: 'testnet',
    metricsEnable: false,
    metricsAddr: 'localhost:0',
    livenessPassive: null,
    livenessActive: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    if (BOOL_FLAGS.has(name)) {
      const value = inline === undefined ? true : parseBool(name, inline);
      if (name === 'version') flags.version = value;
      else if (name === 'metrics-enable') flags.metricsEnable = value;
      else if (name === 'route-liveness-enable-passive') flags.livenessPassive = value;
      else if (name === 'route-liveness-enable-active') flags.livenessActive = value;
      continue;
    }
    if (!STRING_FLAGS.has(name)) throw new FlagError(`flag provided but not defined: -${name}`);
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new FlagError(`flag needs an argument: -${name}`);
      i++;
    }
    if (name === 'sock-file') flags.sockFile = value;
    else if (name === 'env') flags.env = value;
    else flags.metricsAddr = value;
  }
  return flags;
}

/** Go's net.Listen("tcp", addr) for the metrics listener: host and port (an empty host listens everywhere). */
export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(addr);
  if (!m) throw new FlagError(`listen tcp ${addr}: address ${addr}: missing port in address`);
  const port = Number(m[2]);
  if (port > 65535) throw new FlagError(`listen tcp: address ${addr}: invalid port`);
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}
