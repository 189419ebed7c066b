// How many node leases one agent should hold: its fair share of the fleet among the live agents.
// Pure: the lease tick (lib/lease/store/tick.ts) feeds it counts read in its transaction.

export interface LeasePlan {
  /** ceil(nodes / agents): the most any agent should hold */
  target: number;
  /** leases to give back now (this agent holds more than its share, e.g. another agent just started) */
  release: number;
  /** free or expired leases to try to claim now */
  claim: number;
}

export function planLeases(input: { nodes: number; liveAgents: number; held: number }): LeasePlan {
  const nodes = Math.max(0, Math.floor(input.nodes));
  // The agent asking is alive by definition, even if its own heartbeat row is not visible yet.
  const agents = Math.max(1, Math.floor(input.liveAgents));
  const held = Math.max(0, Math.floor(input.held));
  const target = Math.ceil(nodes / agents);
  // Releasing only above the ceiling (never to "make room") keeps agents from handing nodes back and forth.
  return { target, release: Math.max(0, held - target), claim: Math.max(0, target - held) };
}
