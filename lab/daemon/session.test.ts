import { describe, expect, it } from 'vitest';
import type { ControlPacket, SessionState } from './packet';
import { LivenessSession, WARN_INTERVAL_MS, sessionKeyString } from './session';

const key = { interfaceName: 'doublezero0', localIp: '198.18.2.1', peerIp: '198.18.100.1' };
const from = (state: SessionState): ControlPacket => ({
  state,
  detectMultiplier: 3,
  peerMode: 'passive',
  myDiscriminator: 42,
  yourDiscriminator: 0,
  desiredMinTxMicros: 1_000_000,
  requiredMinRxMicros: 1_000_000,
  clientVersion: 'peer',
});

describe('liveness session', () => {
  it('names its key the way the daemon logs it', () => {
    expect(sessionKeyString(key)).toBe('interface: doublezero0, localIP: 198.18.2.1, peerIP: 198.18.100.1');
  });

  it('comes up through the three-way handshake', () => {
    const s = new LivenessSession(key, 1, 0);
    expect(s.receive(from('Down'), 1000)).toEqual({ from: 'Down', to: 'Init' });
    expect(s.receive(from('Up'), 2000)).toEqual({ from: 'Init', to: 'Up' });
    expect(s.state).toBe('Up');
    expect(s.remoteDiscriminator).toBe(42);
    expect(s.peerClientVersion).toBe('peer');
  });

  it('goes down with reason timeout after three silent intervals, not before', () => {
    const s = new LivenessSession(key, 1, 0);
    s.receive(from('Down'), 0);
    s.receive(from('Up'), 0);
    expect(s.tick(3000)).toBeNull();
    expect(s.tick(3001)).toEqual({ from: 'Up', to: 'Down', reason: 'timeout' });
    expect(s.lastDownReason).toBe('timeout');
    expect(s.tick(10_000)).toBeNull();
  });

  it('follows the peer down and admin-down', () => {
    const s = new LivenessSession(key, 1, 0);
    s.receive(from('Init'), 0);
    expect(s.receive(from('Down'), 1)).toEqual({ from: 'Up', to: 'Down', reason: 'remote_down' });
    s.receive(from('Init'), 2);
    expect(s.receive(from('AdminDown'), 3)).toEqual({ from: 'Up', to: 'Down', reason: 'remote_admin' });
    expect(s.receive(from('AdminDown'), 4)).toBeNull();
  });

  it('claims a send warning at most once per warning interval', () => {
    const s = new LivenessSession(key, 1, 0);
    expect(s.claimWarning(0)).toBe(true);
    expect(s.claimWarning(1000)).toBe(false);
    expect(s.claimWarning(WARN_INTERVAL_MS - 1)).toBe(false);
    expect(s.claimWarning(WARN_INTERVAL_MS)).toBe(true);
  });
});
