// Which node and liveness peer an alert is about, from its labels. Exporters name things differently, so
// several label names are tried in order; `instance` ("host:port") is matched without its port.
export const nodeLabels = ['node', 'nodename', 'hostname', 'host', 'instance'] as const;
export const peerLabels = ['peer', 'peer_ip', 'peerIP', 'peer_node'] as const;

export interface InventoryEntry {
  name: string;
  host: string;
}

export interface AlertTarget {
  node: string | null;
  peer: string | null;
}

export function mapAlertTarget(labels: Record<string, string>, inventory: readonly InventoryEntry[]): AlertTarget {
  const byName = new Map(inventory.map((n) => [n.name, n.name]));
  const byHost = new Map<string, string | null>();
  for (const n of inventory) byHost.set(n.host, byHost.has(n.host) ? null : n.name); // null: host shared, ambiguous
  let node: string | null = null;
  for (const key of nodeLabels) {
    const value = labels[key];
    if (!value) continue;
    const candidates = [value, stripPort(value)];
    const hit = candidates.map((c) => byName.get(c) ?? byHost.get(c) ?? null).find((c) => c !== null);
    if (hit) {
      node = hit;
      break;
    }
  }
  const peerKey = peerLabels.find((k) => labels[k]);
  return { node, peer: peerKey ? (labels[peerKey] ?? null) : null };
}

function stripPort(value: string): string {
  // "[2001:db8::1]:9100" and "host:9100"; a bare IPv6 address has several colons and no brackets.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) return bracketed[1];
  const parts = value.split(':');
  return parts.length === 2 && /^\d+$/.test(parts[1] ?? '') ? (parts[0] ?? value) : value;
}
