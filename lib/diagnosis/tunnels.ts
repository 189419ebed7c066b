import type { NodeState } from '../model/node-state';
import { linkIsUp } from './cause';
import type { Sighting } from './sessions';
import type { NodeFinding, TunnelRole, TunnelState } from './types';

// doublezerod's tunnels (DESIGN.md; client/doublezerod/internal/services/ibrl.go and multicast.go): the
// unicast (IBRL) tunnel carries the liveness sessions; multicast has its own tunnel and no sessions.
// A node may run either or both, so a tunnel is expected only when something says the node uses it.
const TUNNELS: readonly { interface: string; role: TunnelRole }[] = [
  { interface: 'doublezero0', role: 'unicast' },
  { interface: 'doublezero1', role: 'multicast' },
];

// /v2/status user types (internal/manager/http.go, api.UserType): multicast runs on its own tunnel.
function roleOf(userType: string | null): TunnelRole | null {
  if (userType === null) return null;
  return userType === 'Multicast' ? 'multicast' : 'unicast';
}

/** The tunnels the node is expected to have, and their state now. */
export function tunnelStates(state: NodeState, sessions: readonly Sighting[]): TunnelState[] {
  const out: TunnelState[] = [];
  for (const t of TUNNELS) {
    const link = state.links.find((l) => l.ifname === t.interface);
    const service = state.daemon.status?.services.find((s) => s.tunnelName === t.interface || (s.tunnelName === null && roleOf(s.userType) === t.role));
    const because = link
      ? 'the link exists'
      : service
        ? `doublezerod's /v2/status lists a ${service.userType ?? t.role} service on it`
        : sessions.some((s) => s.current && s.interface === t.interface)
          ? 'the daemon has liveness sessions on it'
          : null;
    if (!because) continue;
    out.push({ interface: t.interface, role: t.role, state: !link ? 'missing' : linkIsUp(link) ? 'up' : 'down', expectedBecause: because });
  }
  return out;
}

export function tunnelFindings(tunnels: readonly TunnelState[], state: NodeState): NodeFinding[] {
  return tunnels
    .filter((t) => t.state !== 'up')
    .map((t): NodeFinding => {
      const link = state.links.find((l) => l.ifname === t.interface);
      const verdict = t.state === 'missing' ? 'interface-missing' : 'interface-down';
      const summary = t.state === 'missing' ? `${t.role} tunnel ${t.interface} is missing` : `${t.role} tunnel ${t.interface} is down`;
      const evidence = link
        ? [`${t.interface}: flags ${link.flags.join(',') || '-'}, operstate ${link.operstate}`]
        : [`no ${t.interface} among the links (${state.links.map((l) => l.ifname).join(', ') || 'none'}), expected because ${t.expectedBecause}`];
      return { kind: 'tunnel', verdict, interface: t.interface, role: t.role, summary, evidence };
    });
}
