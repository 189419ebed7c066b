// Minimal IPv4 arithmetic for the simulated kernel (route lookup, address plans).

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d{1,3}$/.test(p) || v > 255) throw new Error(`not an IPv4 address: ${ip}`);
    n = n * 256 + v;
  }
  return n;
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
  return maskInt(ipToInt(network), prefixlen) === maskInt(ipToInt(ip), prefixlen);
}

function maskInt(n: number, prefixlen: number): number {
  if (prefixlen === 0) return 0;
  // Unsigned arithmetic: bit operations on numbers are signed 32-bit in JS.
  return (n - (n % 2 ** (32 - prefixlen))) >>> 0;
}
