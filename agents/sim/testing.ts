import { buildFleetStates, type NodePlan } from './scenarios';
import type { SimNodeState } from './state';

/** A fixed clock for tests: the seed incident's collection time. */
export const TEST_NOW = Date.UTC(2025, 10, 30, 19, 40, 0);

/** The 12-node demo fleet as data, at TEST_NOW. */
export function testFleet(count = 12): Map<string, { plan: NodePlan; state: SimNodeState }> {
  return new Map(buildFleetStates(count, TEST_NOW).map((n) => [n.plan.name, n]));
}

export function testNode(name: string, count = 12): { plan: NodePlan; state: SimNodeState } {
  const n = testFleet(count).get(name);
  if (!n) throw new Error(`no node ${name}`);
  return n;
}
