import { parseIpRoute } from '../../lib/parse/ip-route';

// A node with `count` BGP routes through doublezero0, printed as `ip -j route show table all` would.
export function routeTableText(count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = 10 + (i >> 16);
    parts.push(
      `{"dst":"${a}.${(i >> 8) & 255}.${i & 255}.0/24","gateway":"169.254.0.2","dev":"doublezero0","protocol":"bgp","scope":"global","prefsrc":"209.245.225.161","flags":[]}`,
    );
  }
  return `[${parts.join(',')}]`;
}

/** Wall time, and this process's CPU time (which other load on the machine does not inflate). */
export function routeTableBench(count: number): { routes: number; bytes: number; parseMs: number; cpuMs: number } {
  const text = routeTableText(count);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const parsed = parseIpRoute(text);
  const parseMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { routes: parsed.items.length, bytes: text.length, parseMs, cpuMs: (used.user + used.system) / 1000 };
}
