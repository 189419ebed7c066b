import { describe, expect, it } from 'vitest';
import { ForegroundActivity } from '../foreground-activity';
import { PriorityGate } from './priority-gate';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('PriorityGate', () => {
  it('runs one operation at a time, waiting foreground ones before background ones', async () => {
    const gate = new PriorityGate();
    const order: string[] = [];
    let running = 0;
    const op = (name: string, priority: 'foreground' | 'background') =>
      gate.run(priority, async () => {
        running++;
        expect(running).toBe(1);
        order.push(name);
        await tick();
        running--;
      });
    await Promise.all([op('bg1', 'background'), op('bg2', 'background'), op('bg3', 'background'), op('fg1', 'foreground'), op('fg2', 'foreground')]);
    // bg1 was running when the others arrived; both reads overtake the queued writes
    expect(order).toEqual(['bg1', 'fg1', 'fg2', 'bg2', 'bg3']);
  });

  it('lets background work through after `fairness` foreground operations in a row', async () => {
    const gate = new PriorityGate(2);
    const order: string[] = [];
    const op = (name: string, priority: 'foreground' | 'background') =>
      gate.run(priority, async () => {
        order.push(name);
        await tick();
      });
    await Promise.all([op('fg0', 'foreground'), op('bg', 'background'), op('fg1', 'foreground'), op('fg2', 'foreground'), op('fg3', 'foreground')]);
    expect(order).toEqual(['fg0', 'fg1', 'bg', 'fg2', 'fg3']);
  });

  it('hands over after a failure', async () => {
    const gate = new PriorityGate();
    await expect(gate.run('foreground', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('background', async () => 'next')).toBe('next');
    expect(gate.queued).toEqual({ foreground: 0, background: 0 });
  });

  it('holds background work while a page is being answered, foreground work not', async () => {
    const activity = new ForegroundActivity();
    const gate = new PriorityGate(8, () => activity.idle(10_000));
    const order: string[] = [];
    const endRequest = activity.begin();
    const write = gate.run('background', async () => void order.push('write'));
    await gate.run('foreground', async () => void order.push('read'));
    await tick();
    expect(order).toEqual(['read']);
    endRequest();
    await write;
    expect(order).toEqual(['read', 'write']);
  });
});
