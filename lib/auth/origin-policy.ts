// Which names this dashboard answers to. A browser page on an attacker's name that resolves to our
// address (DNS rebinding) sends that name as Host and as Origin, and to the browser it is same-origin,
// so neither the Host header nor Sec-Fetch-Site can be taken as "us". The only names that count are the
// configured public origins (FNH_PUBLIC_ORIGIN) and the address the server really listens on; every
// request for any other Host is refused (proxy.ts) and every mutation from any other Origin too.

/** Where scripts/server.ts listens, put on globalThis once it does. */
export const listenAddressKey = Symbol.for('fnh.listen-address');

export interface ListenAddress {
  /** the bound address (`127.0.0.1`, `::1`, `0.0.0.0`, `::`); undefined when not known (all interfaces) */
  host: string | undefined;
  /** undefined when not known (no server in this process, e.g. a test calling handlers directly) */
  port: number | undefined;
}

export interface OriginPolicy {
  /** exact origins: mutations must come from one of these */
  origins: string[];
  /** names on the loopback interface accepted on any port (only while the listening port is unknown) */
  loopbackAnyPort: boolean;
}

const loopbackNames = ['127.0.0.1', 'localhost', '[::1]'];
const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** FNH_PUBLIC_ORIGIN: comma-separated http(s) origins. Returns what it could read and what it could not. */
export function parsePublicOrigins(text: string | undefined): { origins: string[]; invalid: string[] } {
  const origins: string[] = [];
  const invalid: string[] = [];
  for (const entry of (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    try {
      const url = new URL(entry);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && (url.pathname === '/' || url.pathname === '') && !url.search && !url.username)
        origins.push(url.origin);
      else invalid.push(entry);
    } catch {
      invalid.push(entry);
    }
  }
  return { origins, invalid };
}

function bracketed(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export interface PolicyInput {
  publicOrigins: readonly string[];
  listen: ListenAddress;
  /** this machine's interface addresses, used when the server listens on all of them */
  interfaceAddresses: readonly string[];
}

/**
 * The listening address counts by the names that reach it without DNS: the loopback names when it is
 * bound to loopback (the demo), its own literal address when bound to one, every interface address when
 * bound to all. Any other name must be configured in FNH_PUBLIC_ORIGIN.
 */
export function originPolicy(input: PolicyInput): OriginPolicy {
  const origins = new Set(input.publicOrigins);
  const { host, port } = input.listen;
  if (port === undefined) return { origins: [...origins], loopbackAnyPort: true };
  const names =
    host === undefined || wildcardHosts.has(host)
      ? [...loopbackNames, ...input.interfaceAddresses.filter((a) => !isLoopback(a)).map(bracketed)]
      : isLoopback(host)
        ? loopbackNames
        : [bracketed(host)];
  for (const name of names) origins.add(`http://${name}:${port}`);
  return { origins: [...origins], loopbackAnyPort: false };
}

/** The origin a Host header names under the scheme `protocol`, or undefined when it is no host at all. */
function originOfHost(protocol: string, host: string): URL | undefined {
  if (host === '' || /[\s/\\?#@]/.test(host)) return undefined;
  try {
    return new URL(`${protocol}//${host}`);
  } catch {
    return undefined;
  }
}

/** Whether a request's Host header names this dashboard (as one of its origins' hosts). */
export function hostAllowed(policy: OriginPolicy, hostHeader: string | null): boolean {
  if (hostHeader === null) return false;
  for (const origin of policy.origins) {
    const allowed = new URL(origin);
    if (originOfHost(allowed.protocol, hostHeader)?.host === allowed.host) return true;
  }
  if (policy.loopbackAnyPort) {
    const url = originOfHost('http:', hostHeader);
    if (url && (isLoopback(url.hostname) || url.hostname === '[::1]')) return true;
  }
  return false;
}

/** Whether an Origin header is this dashboard. */
export function originAllowed(policy: OriginPolicy, origin: string): boolean {
  if (policy.origins.includes(origin)) return true;
  if (!policy.loopbackAnyPort) return false;
  try {
    const url = new URL(origin);
    return url.origin === origin && url.protocol === 'http:' && (isLoopback(url.hostname) || url.hostname === '[::1]');
  } catch {
    return false;
  }
}
