import type { StableNodeState } from '@/lib/model/node-state';
import type { NodeFacts } from './node-facts';
import type { AddressRow, InterfaceRow, RouteRow } from './node';

export const tunnelIf = 'doublezero0';

/** doublezero0's state. A GRE tunnel's operstate is UNKNOWN even when it works: UP and carrier are what count. */
export function tunnelLinkState(state: StableNodeState): 'missing' | 'down' | 'up' {
  const dz0 = state.links.find((l) => l.ifname === tunnelIf);
  return !dz0 ? 'missing' : dz0.up && dz0.lowerUp ? 'up' : 'down';
}

// The fleet grid's per-node facts, from the normalized node state (lib/model), live or from history.
export function summarizeState(state: StableNodeState): NodeFacts {
  return {
    link: tunnelLinkState(state),
    daemonActive: state.daemon.unitState,
    dz0Addresses: state.addresses.filter((a) => a.ifname === tunnelIf).map((a) => `${a.local}/${a.prefixlen}`),
    // Routes learned through the tunnel: the kernel's own local/connected entries for the overlay /31 don't count.
    dz0Routes: state.routes.filter((r) => (r.dev === tunnelIf || r.nexthops.some((n) => n.dev === tunnelIf)) && r.type === 'unicast' && r.protocol !== 'kernel')
      .length,
  };
}

export interface NodeTables {
  interfaces: InterfaceRow[];
  addresses: AddressRow[];
  routes: RouteRow[];
}

// The node page's readable tables from the same normalized state.
export function buildNodeTables(state: StableNodeState): NodeTables {
  return {
    interfaces: state.links.map((l) => ({
      ifname: l.ifname,
      kind: l.kind ?? null,
      operstate: l.operstate,
      flags: l.flags,
      mtu: l.mtu ?? null,
    })),
    addresses: state.addresses.map((a) => ({ ifname: a.ifname, family: a.family, cidr: `${a.local}/${a.prefixlen}`, scope: a.scope ?? null })),
    routes: state.routes.map((r) => ({
      table: r.table,
      type: r.type,
      dst: r.dst.len === 0 && r.dst.addr.match(/^(0\.0\.0\.0|::)$/) ? 'default' : `${r.dst.addr}/${r.dst.len}`,
      gateway:
        r.gateway ??
        (r.nexthops
          .map((n) => n.gateway)
          .filter(Boolean)
          .join(', ') ||
          null),
      dev:
        r.dev ??
        (r.nexthops
          .map((n) => n.dev)
          .filter(Boolean)
          .join(', ') ||
          null),
      protocol: r.protocol ?? null,
      scope: r.scope,
      prefsrc: r.prefsrc ?? null,
      metric: r.metric,
      text: r.text,
    })),
  };
}
