import { describe, expect, it } from 'vitest';
import type { ControlPacket, SessionState } from './packet';
import { LivenessSession, type SessionTimers } from './session';

const key = { iface: 'doublezero0', localIp: '198.18.2.1', peerIp: '198.18.100.1' };
// v0.8.0's defaults (cmd/doublezerod/main.go): 300 ms, ×3, floor 50 ms, ceiling 1 s; BackoffMax = MaxTxCeil
const timers: SessionTimers = { txMinMs: 300, rxMinMs: 300, detectMult: 3, minTxFloorMs: 50, maxTxCeilMs: 1000, backoffMaxMs: 1000 };
const from = (state: SessionState, peerDiscr = 0, requiredMinRxUs = 300_000): ControlPacket => ({
  state,
  detectMult: 3,
  localDiscr: 42,
  peerDiscr,
  desiredMinTxUs: 300_000,
  requiredMinRxUs,
  passive: true,
  clientVersion: { major: 0, minor: 8, patch: 3 },
});

describe('liveness session (upstream internal/liveness/session.go)', () => {
  it('comes up through the handshake: down → init on the first packet, up once the peer echoes our discriminator', () => {
    const s = new LivenessSession(key, 1, timers, 0);
    expect(s.receive(from('down'), 100)).toEqual({ from: 'down', to: 'init', reason: 'none' });
    expect(s.receive(from('init', 1), 200)).toEqual({ from: 'init', to: 'up', reason: 'none' });
    expect(s.peerDiscr).toBe(42);
    expect(s.peerClientVersion).toBe('0.8.3');
    expect(s.lastConvergenceMs).toBe(100);
  });

  it('ignores a packet that names another session (PeerDiscr set and not ours)', () => {
    const s = new LivenessSession(key, 1, timers, 0);
    expect(s.receive(from('down', 99), 0)).toBeNull();
    expect(s.state).toBe('down');
  });

  it('goes down with reason timeout after detectMult × rxInterval of silence, not before', () => {
    const s = new LivenessSession(key, 1, timers, 0);
    s.receive(from('down'), 0);
    s.receive(from('up', 1), 0);
    expect(s.expire(899)).toBeNull();
    expect(s.expire(900)).toEqual({ from: 'up', to: 'down', reason: 'timeout' });
    expect(s.lastDownReason).toBe('timeout');
  });

  it('follows the peer down (remote_down) and admin-down (remote_admin), but ignores a stale Down right after coming up', () => {
    const s = new LivenessSession(key, 1, timers, 0);
    s.receive(from('down'), 0);
    s.receive(from('up', 1), 0);
    expect(s.receive(from('down', 1), 100)).toBeNull();
    expect(s.receive(from('down', 1), 5000)).toEqual({ from: 'up', to: 'down', reason: 'remote_down' });
    s.receive(from('down'), 6000);
    expect(s.receive(from('admin_down', 1), 6100)).toEqual({ from: 'init', to: 'down', reason: 'remote_admin' });
  });

  it('sends at the larger of its txMin and the peer’s required rx, ±10 %; while down it backs off to BackoffMax', () => {
    const s = new LivenessSession(key, 1, timers, 0);
    // down, never heard: 300 ms, 600 ms, then capped at 1 s
    expect(s.nextTxDelayMs(0.5)).toBe(300);
    expect(s.nextTxDelayMs(0.5)).toBe(600);
    expect(s.nextTxDelayMs(0.5)).toBe(1000);
    expect(s.nextTxDelayMs(0.5)).toBe(1000);
    expect(s.nextTxDelayMs(0)).toBe(900);
    expect(s.nextTxDelayMs(0.999999)).toBeCloseTo(1100, 0);
    // up, with a peer that requires 1 s between packets
    s.receive(from('down', 0, 1_000_000), 0);
    s.receive(from('up', 1, 1_000_000), 0);
    expect(s.nextTxDelayMs(0.5)).toBe(1000);
  });
});
