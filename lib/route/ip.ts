// IP addresses and prefixes as bigints, for prefix matching. Pure; accepts what iproute2 prints.

export type Family = 'inet' | 'inet6';

export interface Prefix {
  family: Family;
  /** the network address as printed (host bits may be set, as in `169.254.0.2/31`) */
  addr: string;
  len: number;
}

export interface ParsedIp {
  family: Family;
  value: bigint;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function parseIp(text: string): ParsedIp | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

function parseIpv4(text: string): ParsedIp | undefined {
  if (!IPV4.test(text)) return undefined;
  const value = text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  return { family: 'inet', value };
}

function parseIpv6(text: string): ParsedIp | undefined {
  // Stryker disable next-line ConditionalExpression,Regex: a fast-path guard; the group parsing below refuses the same texts
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        out.push(Number(v4.value >> 16n), Number(v4.value & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return { family: 'inet6', value: all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

export function familyBits(family: Family): number {
  return family === 'inet' ? 32 : 128;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, IPv6 forms, and `default` (needs the family). */
export function parsePrefix(text: string, defaultFamily?: Family): Prefix | undefined {
  if (text === 'default' || text === 'all') {
    if (!defaultFamily) return undefined;
    return { family: defaultFamily, addr: defaultFamily === 'inet' ? '0.0.0.0' : '::', len: 0 };
  }
  const [addr, lenText, extra] = text.split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = familyBits(ip.family);
  const len = lenText === undefined ? bits : /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(len >= 0 && len <= bits)) return undefined;
  return { family: ip.family, addr, len };
}

export function prefixContains(prefix: Prefix, ip: ParsedIp): boolean {
  if (prefix.family !== ip.family) return false;
  const base = parseIp(prefix.addr);
  if (!base) return false;
  const bits = BigInt(familyBits(ip.family));
  const shift = bits - BigInt(prefix.len);
  return base.value >> shift === ip.value >> shift;
}

export function formatPrefix(prefix: Prefix): string {
  if (prefix.len === 0) return 'default';
  return prefix.len === familyBits(prefix.family) ? prefix.addr : `${prefix.addr}/${prefix.len}`;
}
