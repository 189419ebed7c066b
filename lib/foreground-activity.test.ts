import { describe, expect, it } from 'vitest';
import { ForegroundActivity, isForegroundRequest } from './foreground-activity';

describe('foreground activity', () => {
  it('idle resolves at once with no request running', async () => {
    const a = new ForegroundActivity();
    let resolved = false;
    void a.idle(10_000).then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(true);
  });

  it('idle waits for the last running request to end, and ending twice counts once', async () => {
    const a = new ForegroundActivity();
    const endOne = a.begin();
    const endTwo = a.begin();
    let resolved = false;
    const waiting = a.idle(10_000).then(() => (resolved = true));
    endOne();
    endOne();
    await new Promise((r) => setTimeout(r, 5));
    expect(a.running).toBe(1);
    expect(resolved).toBe(false);
    endTwo();
    await waiting;
    expect(resolved).toBe(true);
    expect(a.running).toBe(0);
  });

  it('never holds a waiter longer than its bound while requests keep running', async () => {
    const a = new ForegroundActivity();
    a.begin();
    const started = Date.now();
    await a.idle(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(a.running).toBe(1);
  });

  it('a follower (the agent worker) waits for the requests counted by the thread that shares its count', async () => {
    const dashboard = new ForegroundActivity();
    const before = dashboard.begin();
    const agent = new ForegroundActivity();
    agent.follow(dashboard.shared());
    expect(agent.running).toBe(1);
    before();
    expect(agent.running).toBe(0);
    const end = dashboard.begin();
    let resolved = false;
    const waiting = agent.idle(10_000).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    end();
    end();
    await waiting;
    expect(resolved).toBe(true);
    expect(agent.running).toBe(0);
    expect(dashboard.running).toBe(0);
  });

  it('counts pages and API reads, not the event stream, the health probe or static files', () => {
    expect(isForegroundRequest('GET', '/api/fleet')).toBe(true);
    expect(isForegroundRequest('GET', '/nodes/edge-1?at=2026-12-01T00:00:00Z')).toBe(true);
    expect(isForegroundRequest('POST', '/api/actions/batches')).toBe(true);
    expect(isForegroundRequest('GET', '/api/events')).toBe(false);
    expect(isForegroundRequest('GET', '/api/health')).toBe(false);
    expect(isForegroundRequest('GET', '/_next/static/chunks/app.js')).toBe(false);
    expect(isForegroundRequest('OPTIONS', '/api/fleet')).toBe(false);
  });
});
