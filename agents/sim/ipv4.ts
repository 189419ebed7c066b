// Minimal IPv4 arithmetic for the simulated kernel (route lookup, address plans).

export function ipToInt(ip: string): number {
  // Hot path (route lookups for every session on every poll): a hand-rolled parser, no regex.
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) throw new Error(`not an IPv4 address: ${ip}`);
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
    } else {
      throw new Error(`not an IPv4 address: ${ip}`);
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) throw new Error(`not an IPv4 address: ${ip}`);
  return n * 256 + part;
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIpv4(s: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split('.').every((p) => Number(p) <= 255);
}

/** The network address of ip/prefixlen. */
export function networkOf(ip: string, prefixlen: number): string {
  return intToIp(maskInt(ipToInt(ip), prefixlen));
}

export function broadcastOf(ip: string, prefixlen: number): string {
  const hostBits = 32 - prefixlen;
  return intToIp((maskInt(ipToInt(ip), prefixlen) + (hostBits === 0 ? 0 : 2 ** hostBits - 1)) >>> 0);
}

export function prefixContains(network: string, prefixlen: number, ip: string): boolean {
  return intPrefixContains(ipToInt(network), prefixlen, ipToInt(ip));
}

export function intPrefixContains(network: number, prefixlen: number, ip: number): boolean {
  return maskInt(network, prefixlen) === maskInt(ip, prefixlen);
}

function maskInt(n: number, prefixlen: number): number {
  if (prefixlen === 0) return 0;
  // Unsigned arithmetic: bit operations on numbers are signed 32-bit in JS.
  return (n - (n % 2 ** (32 - prefixlen))) >>> 0;
}
