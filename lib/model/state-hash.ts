import { canonicalJson } from './canonical-json';
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
