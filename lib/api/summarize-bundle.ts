import type { Bundle } from '@/lib/bundle/types';
import { parseIpAddr } from '@/lib/parse/ip-addr';
import { parseIpLink } from '@/lib/parse/ip-link';
import { parseIpRoute } from '@/lib/parse/ip-route';
import type { NodeFacts } from './node-facts';

export const tunnelIf = 'doublezero0';

// The fleet grid's per-node facts from one raw bundle, via the shared parsers (never a second parser).
export function summarizeBundle(bundle: Bundle): NodeFacts {
  const s = bundle.sections;
  const links = s['ip-link'] ? parseIpLink(s['ip-link'].stdout).items : null;
  const dz0 = links?.find((l) => l.ifname === tunnelIf);
  // A GRE tunnel's operstate is UNKNOWN even when it works: the admin UP flag is what counts.
  const link: NodeFacts['link'] = links === null ? 'unknown' : !dz0 ? 'missing' : dz0.up ? 'up' : 'down';
  const addrs = s['ip-addr'] ? parseIpAddr(s['ip-addr'].stdout).items : [];
  const routes = s['ip-route'] ? parseIpRoute(s['ip-route'].stdout).items : [];
  return {
    link,
    daemonActive: s.systemctl ? s.systemctl.stdout.trim().split('\n')[0] ?? '' : null,
    dz0Addresses: addrs.filter((a) => a.ifname === tunnelIf).map((a) => `${a.local}/${a.prefixlen}`),
    // Routes learned through the tunnel: the kernel's own local/connected entries for the overlay /31 don't count.
    dz0Routes: routes.filter(
      (r) => (r.dev === tunnelIf || r.nexthops.some((n) => n.dev === tunnelIf)) && r.type === 'unicast' && r.protocol !== 'kernel',
    ).length,
  };
}
