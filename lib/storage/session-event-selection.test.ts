import { describe, expect, it } from 'vitest';
import type { EventLike } from '../diagnosis/sessions';
import { selectSessionEvents } from './session-event-selection';

const at = new Date('2026-12-01T12:00:00Z');
const windowMs = 15 * 60_000;
const memoryMs = 24 * 3600_000;
const beforeWindow = new Date(at.getTime() - windowMs - 60_000).toISOString();

function event(dedupeKey: string, msg: string, extra: Partial<EventLike> = {}): EventLike {
  return { at: beforeWindow, level: 'WARN', msg, interface: 'doublezero0', localIP: '10.0.0.2', peerIP: '198.18.0.1', dedupeKey, ...extra };
}

describe('selectSessionEvents', () => {
  it('of two lines of one session at the same time before the window, keeps the greater dedupe key in any order', () => {
    const a = event('k-a', 'liveness.scheduler: error writing UDP packet');
    const b = event('k-b', 'liveness: session up');
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      expect(selectSessionEvents(order, { at, windowMs, memoryMs }).map((e) => e.dedupeKey)).toEqual(['k-b']);
    }
  });

  it('of two daemon starts at the same time before the window, keeps the greater dedupe key in any order', () => {
    const a = event('s-1', 'liveness: manager starting', { peerIP: undefined });
    const b = event('s-2', 'systemd: daemon started', { peerIP: undefined });
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      expect(selectSessionEvents(order, { at, windowMs, memoryMs }).map((e) => e.dedupeKey)).toEqual(['s-2']);
    }
  });

  it('keeps the later line of a session over an earlier one with a greater key', () => {
    const earlier = event('z', 'liveness.scheduler: error writing UDP packet', { at: new Date(at.getTime() - windowMs - 120_000).toISOString() });
    const later = event('a', 'liveness: session up');
    expect(selectSessionEvents([later, earlier], { at, windowMs, memoryMs }).map((e) => e.dedupeKey)).toEqual(['a']);
  });
});
