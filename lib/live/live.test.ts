import { describe, expect, it } from 'vitest';
import { sseComment, sseEvent } from './sse-format';
import { takeSseEvents } from './sse-read';
import { trailingThrottle, type Timers } from './trailing-throttle';

describe('sseEvent', () => {
  it('frames one event with a single JSON data line, even when values hold newlines', () => {
    expect(sseEvent('poll', { nodes: ['a\nevent: x'] })).toBe('event: poll\ndata: {"nodes":["a\\nevent: x"]}\n\n');
  });
  it('puts the reconnect delay first when asked', () => {
    expect(sseEvent('hello', { serverTime: 't' }, { retryMs: 3000 })).toBe('retry: 3000\nevent: hello\ndata: {"serverTime":"t"}\n\n');
  });
  it('refuses event names that could break the framing', () => {
    expect(() => sseEvent('poll\ndata: x', {})).toThrow(/event name/);
  });
  it('keeps comments on one line', () => {
    expect(sseComment('ping\nevent: x')).toBe(': ping event: x\n\n');
  });
});

function manualTimers(): Timers & { fire(): void; pending(): number } {
  let queue: Array<{ fn: () => void; id: number }> = [];
  let next = 0;
  return {
    setTimeout(fn) {
      const id = ++next;
      queue.push({ fn, id });
      return id;
    },
    clearTimeout(h) {
      queue = queue.filter((t) => t.id !== h);
    },
    fire() {
      const due = queue;
      queue = [];
      for (const t of due) t.fn();
    },
    pending: () => queue.length,
  };
}

describe('trailingThrottle', () => {
  it('runs the first call at once and collapses a burst into one trailing run', () => {
    const timers = manualTimers();
    let runs = 0;
    const t = trailingThrottle(() => runs++, 1000, timers);
    t.call();
    expect(runs).toBe(1);
    for (let i = 0; i < 50; i++) t.call();
    expect(runs).toBe(1);
    timers.fire();
    expect(runs).toBe(2);
    timers.fire(); // quiet period after the trailing run, nothing new
    expect(runs).toBe(2);
    expect(timers.pending()).toBe(0);
    t.call();
    expect(runs).toBe(3);
  });

  it('cancel drops a pending trailing run', () => {
    const timers = manualTimers();
    let runs = 0;
    const t = trailingThrottle(() => runs++, 1000, timers);
    t.call();
    t.call();
    t.cancel();
    timers.fire();
    expect(runs).toBe(1);
  });
});

describe('takeSseEvents', () => {
  it('reads what sseEvent writes, skips comments, keeps an unfinished event for later', () => {
    const text = sseEvent('hello', { a: 1 }, { retryMs: 10 }) + sseComment('keep-alive') + sseEvent('poll', { nodes: ['x'] }) + 'event: poll\ndata: {"no';
    const { events, rest } = takeSseEvents(text);
    expect(events).toEqual([
      { event: 'hello', data: '{"a":1}' },
      { event: 'poll', data: '{"nodes":["x"]}' },
    ]);
    expect(rest).toBe('event: poll\ndata: {"no');
  });
});
