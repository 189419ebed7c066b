import { describe, expect, it } from 'vitest';
import { planLeases } from './fair-share';

describe('planLeases', () => {
  it('a lone agent claims the whole fleet', () => {
    expect(planLeases({ nodes: 30, liveAgents: 1, held: 0 })).toEqual({ target: 30, release: 0, claim: 30 });
  });

  it('an agent holding everything gives back the excess when a second one appears', () => {
    expect(planLeases({ nodes: 30, liveAgents: 2, held: 30 })).toEqual({ target: 15, release: 15, claim: 0 });
  });

  it('shares round up, so the shares always cover the fleet and nobody sheds at the ceiling', () => {
    const plan = planLeases({ nodes: 31, liveAgents: 3, held: 11 });
    expect(plan).toEqual({ target: 11, release: 0, claim: 0 });
    expect(plan.target * 3).toBeGreaterThanOrEqual(31);
  });

  it('the survivor of a dead agent claims its nodes once the dead heartbeat expires', () => {
    expect(planLeases({ nodes: 30, liveAgents: 1, held: 15 })).toEqual({ target: 30, release: 0, claim: 15 });
  });

  it('counts the asking agent as alive even before its heartbeat is visible', () => {
    expect(planLeases({ nodes: 10, liveAgents: 0, held: 0 }).target).toBe(10);
  });

  it('an empty fleet asks for nothing and gives back what it held', () => {
    expect(planLeases({ nodes: 0, liveAgents: 2, held: 3 })).toEqual({ target: 0, release: 3, claim: 0 });
  });
});
