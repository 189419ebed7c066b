import { canonicalJson } from '../canonical-json';
import type { NodeState, StableNodeState } from './node-state';
import { sha256Hex } from './sha256';

/** The part of a node's state that history keeps: what the node is, not what it logged this poll. */
export function stableState(state: StableNodeState | NodeState): StableNodeState {
  return { links: state.links, addresses: state.addresses, routes: state.routes, rules: state.rules, firewall: state.firewall, daemon: state.daemon };
}

/** Canonical hash of the stable state: equal states hash equal whatever the key or poll order. */
export function stateHash(state: StableNodeState | NodeState): string {
  return sha256Hex(canonicalJson(stableState(state)));
}

/** The canonical JSON of each part of the stable state (`daemon` as its fields). */
export interface StableStateFragments {
  addresses: string;
  sessions: string;
  unit: string;
  status: string;
  unitState: string;
  version: string;
  firewall: string;
  links: string;
  routes: string;
  rules: string;
}

/**
 * `canonicalJson(stableState(state))` put together from its parts' canonical JSON, so a part that did
 * not change need not be serialized again. Keys in canonicalJson's (sorted) order; both fields of
 * `daemon` are never undefined (null when unknown), so none is dropped.
 */
export function stableStateJson(f: StableStateFragments): string {
  return `{"addresses":${f.addresses},"daemon":{"sessions":${f.sessions},"status":${f.status},"unit":${f.unit},"unitState":${f.unitState},"version":${f.version}},"firewall":${f.firewall},"links":${f.links},"routes":${f.routes},"rules":${f.rules}}`;
}
