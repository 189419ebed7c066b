import { z } from 'zod';

// The kernel-state sections of a bundle, as `ip -j …` and `nft -j list ruleset` printed them inside a lab node
// (DESIGN.md "Capture bundle"), and the bits of them a fixture's synthetic sections must agree with.
export const kernelFiles = {
  'ip-link.json': ['ip', '-j', '-d', 'link', 'show'],
  'ip-addr.json': ['ip', '-j', 'addr', 'show'],
  'ip-route.json': ['ip', '-j', 'route', 'show', 'table', 'all'],
  'ip-rule.json': ['ip', '-j', 'rule', 'show'],
  'nft.json': ['nft', '-j', 'list', 'ruleset'],
} as const;
export type KernelFile = keyof typeof kernelFiles;
export type KernelSections = Record<KernelFile, string>;

const routesSchema = z.array(
  z
    .object({ dst: z.string(), gateway: z.string().optional(), dev: z.string().optional(), protocol: z.string().optional(), prefsrc: z.string().optional() })
    .passthrough(),
);

export interface BgpRoute {
  peerIp: string;
  src: string;
  nextHop: string;
  dev: string;
}

/** The /32s the daemon's BGP installed (`proto bgp`): upstream's GET /routes reads exactly these (RouteByProtocol). */
export function bgpRoutes(k: KernelSections): BgpRoute[] {
  return routesSchema
    .parse(JSON.parse(k['ip-route.json']))
    .filter((r) => r.protocol === 'bgp' && r.gateway && r.prefsrc && r.dev)
    .map((r) => ({ peerIp: r.dst.replace(/\/32$/, ''), src: r.prefsrc ?? '', nextHop: r.gateway ?? '', dev: r.dev ?? '' }));
}

const linksSchema = z.array(z.object({ ifname: z.string(), flags: z.array(z.string()) }).passthrough());

/** Interface name → administratively up, from `ip -j -d link show`. */
export function linkStates(k: KernelSections): Map<string, boolean> {
  return new Map(linksSchema.parse(JSON.parse(k['ip-link.json'])).map((l) => [l.ifname, l.flags.includes('UP')]));
}

const addrsSchema = z.array(
  z.object({ ifname: z.string(), addr_info: z.array(z.object({ family: z.string(), local: z.string() }).passthrough()) }).passthrough(),
);

/** Every IPv4 address on the node, by interface. */
export function addressesByInterface(k: KernelSections): Map<string, string[]> {
  return new Map(addrsSchema.parse(JSON.parse(k['ip-addr.json'])).map((l) => [l.ifname, l.addr_info.filter((a) => a.family === 'inet').map((a) => a.local)]));
}
