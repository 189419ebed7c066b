// Who is asking, as far as the network can tell: the address of the TCP peer, or, when that peer is a
// reverse proxy the operator trusts (FNH_TRUSTED_PROXIES), the address that proxy appended to
// X-Forwarded-For. A client's own X-Forwarded-For is never believed: anyone can write any address there.
// Pure (no node:net): IPv4 and IPv6 are parsed here, IPv6 normalised by the URL parser.

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export interface IpRange {
  family: 4 | 6;
  value: bigint;
  bits: number;
}

/** The request header scripts/server.ts sets from the socket (overwriting whatever the client sent). */
export const clientAddressHeader = 'x-fnh-client-address';

/** Set on globalThis by scripts/server.ts: only then is clientAddressHeader the server's own word. */
export const clientAddressHeaderIsTrusted = Symbol.for('fnh.client-address-header-is-trusted');

const ipv4Pattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): bigint | undefined {
  const m = ipv4Pattern.exec(text);
  if (!m) return undefined;
  let value = 0n;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  // The URL parser accepts exactly RFC 4291 text (embedded IPv4 included) and prints it as hex groups.
  let host: string;
  try {
    host = new URL(`http://[${text}]/`).hostname;
  } catch {
    return undefined;
  }
  const inner = host.slice(1, -1);
  const [head = '', tail] = inner.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  return groups.reduce((v, g) => (v << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An IPv4 or IPv6 address (a zone such as `%eth0` is dropped; `::ffff:a.b.c.d` is the IPv4 address). */
export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(trimmed.replace(/%.*$/, ''));
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((ip.value >> shift) & 0xffffn).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

const width = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/** `10.0.0.0/8`, `fd00::/8` or a single address. */
export function parseIpRange(text: string): IpRange | undefined {
  const [addr = '', bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = bitsText === undefined ? width(ip.family) : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  // An IPv4-mapped range written in IPv6 (`::ffff:10.0.0.0/104`) is not supported: write it as IPv4.
  if (!(bits >= 0 && bits <= width(ip.family))) return undefined;
  return { family: ip.family, value: ip.value, bits };
}

export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  if (range.family !== ip.family) return false;
  const drop = BigInt(width(ip.family) - range.bits);
  return range.value >> drop === ip.value >> drop;
}

/** FNH_TRUSTED_PROXIES: comma-separated addresses or ranges. Throws naming the entry it cannot read. */
export function parseTrustedProxies(text: string | undefined): IpRange[] {
  if (!text || text.trim() === '') return [];
  return text.split(',').map((entry) => {
    const range = parseIpRange(entry);
    if (!range) throw new Error(`FNH_TRUSTED_PROXIES: "${entry.trim()}" is not an IP address or CIDR range`);
    return range;
  });
}

export interface ClientAddressInput {
  /** the TCP peer (socket.remoteAddress) */
  socketAddress: string | undefined;
  /** the X-Forwarded-For header as received (possibly several joined by commas) */
  forwardedFor: string | undefined;
  trustedProxies: readonly IpRange[];
}

/**
 * The client's address: the socket peer, or, while the hop in hand is a trusted proxy, the address that
 * proxy put last in X-Forwarded-For (read from the right, so entries the client wrote itself are only
 * reached through a chain of trusted proxies). Undefined when the socket address is unreadable.
 */
export function clientAddress(input: ClientAddressInput): string | undefined {
  let hop = input.socketAddress ? parseIp(input.socketAddress) : undefined;
  if (!hop) return undefined;
  const forwarded = (input.forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  while (forwarded.length > 0 && input.trustedProxies.some((r) => rangeContains(r, hop!))) {
    const next = parseIp(forwarded.pop()!);
    // A trusted proxy that forwarded something unreadable: the proxy itself is the best we know.
    if (!next) break;
    hop = next;
  }
  return formatIp(hop);
}

/**
 * The unit sign-in limits count per source: an IPv4 address, or an IPv6 /64 (one subscriber usually
 * holds a whole /64, so counting single IPv6 addresses would give an attacker 2^64 fresh sources).
 */
export function throttleSource(address: string): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  if (ip.family === 4) return formatIp(ip);
  return `${formatIp({ family: 6, value: (ip.value >> 64n) << 64n })}/64`;
}
