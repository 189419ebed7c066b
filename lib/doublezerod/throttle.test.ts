import { describe, expect, it } from 'vitest';
import { pinnedSendResult, sendmsgErrorText } from './send';
import { firstSendIndexAtOrAfter, sendSchedule, sendTimeMs } from './send-schedule';
import { sendWarnings, unknownPeerWarnings, writeErrorCounts, WRITE_ERR_WARN_EVERY_MS, type FailingSession } from './throttle';
import { parseClientVersion, type ClientVersion } from './version';

function ver(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(text);
  return v;
}

const T0 = Date.UTC(2025, 10, 30, 19, 0, 0);
const HOUR = 3_600_000;

function staleSessions(n: number): FailingSession[] {
  return Array.from({ length: n }, (_, i) => {
    const peerIp = `216.238.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    return {
      peer: { iface: 'doublezero0', localIp: '209.245.225.161', peerIp },
      downSinceMs: T0,
      failures: [{ fromMs: T0, toMs: null, error: sendmsgErrorText(peerIp, 'network is unreachable') }],
    };
  });
}

describe('global send-warning throttle (scheduler.go writeErrWarnEvery = 5 s)', () => {
  it('200 failing sessions over 1 h give ~720 warnings, never two within 5 s', () => {
    const { warnings } = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(200), fromMs: T0, toMs: T0 + HOUR, seed: 'n1' });
    expect(warnings.length).toBeGreaterThanOrEqual(700);
    expect(warnings.length).toBeLessThanOrEqual(720);
    for (let i = 1; i < warnings.length; i++) {
      expect((warnings[i] as { atMs: number }).atMs - (warnings[i - 1] as { atMs: number }).atMs).toBeGreaterThanOrEqual(WRITE_ERR_WARN_EVERY_MS);
    }
  });

  it('a given peer appears roughly every 200 × 5 s, so most peers are quiet for many minutes at a time', () => {
    const { warnings } = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(200), fromMs: T0, toMs: T0 + 3 * HOUR, seed: 'n1' });
    const byPeer = new Map<string, number[]>();
    for (const w of warnings) byPeer.set(w.peer.peerIp, [...(byPeer.get(w.peer.peerIp) ?? []), w.atMs]);
    // Every peer shows up, each about warnings/200 times.
    expect(byPeer.size).toBeGreaterThan(190);
    const gaps = [...byPeer.values()].flatMap((ts) => ts.slice(1).map((t, i) => t - (ts[i] as number)));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.6 * 200 * 5000);
    expect(mean).toBeLessThan(1.4 * 200 * 5000);
  });

  it('names whichever session failed at that moment, and is deterministic for a seed', () => {
    const a = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(40), fromMs: T0, toMs: T0 + 600_000, seed: 's' });
    const b = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(40), fromMs: T0, toMs: T0 + 600_000, seed: 's' });
    expect(a.warnings.map((w) => w.record.line)).toEqual(b.warnings.map((w) => w.record.line));
    expect(new Set(a.warnings.map((w) => w.peer.peerIp)).size).toBeGreaterThan(30);
    const c = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(40), fromMs: T0, toMs: T0 + 600_000, seed: 'other' });
    expect(c.warnings.map((w) => w.peer.peerIp)).not.toEqual(a.warnings.map((w) => w.peer.peerIp));
  });

  it('continuing a window with lastWarnMs gives the same warnings as one long window', () => {
    const whole = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(10), fromMs: T0, toMs: T0 + 600_000, seed: 'x' });
    const first = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(10), fromMs: T0, toMs: T0 + 300_000, seed: 'x' });
    const second = sendWarnings({
      version: ver('0.8.0'),
      sessions: staleSessions(10),
      fromMs: T0 + 300_000,
      toMs: T0 + 600_000,
      seed: 'x',
      lastWarnMs: first.lastWarnMs,
    });
    expect([...first.warnings, ...second.warnings].map((w) => w.record.line)).toEqual(whole.warnings.map((w) => w.record.line));
    const emitted = sendWarnings({ version: ver('0.8.0'), sessions: staleSessions(10), fromMs: T0, emitFromMs: T0 + 300_000, toMs: T0 + 600_000, seed: 'x' });
    expect(emitted.warnings.map((w) => w.record.line)).toEqual(second.warnings.map((w) => w.record.line));
  });

  it('one failing session on v0.8.1+ backs off to one send a minute, so every send is a warning', () => {
    const { warnings } = sendWarnings({ version: ver('0.8.3'), sessions: staleSessions(1), fromMs: T0, toMs: T0 + HOUR, seed: 'y' });
    // ramp 0.3+0.6+1.2+…+38.4 s ≈ 76 s, then ~60 s apart: ~9 ramp sends (≥ 5 s apart from 4.8 s on) + ~58.
    expect(warnings.length).toBeGreaterThan(55);
    expect(warnings.length).toBeLessThan(70);
    const tail = warnings.slice(-10).map((w) => w.atMs);
    for (let i = 1; i < tail.length; i++) expect((tail[i] as number) - (tail[i - 1] as number)).toBeGreaterThan(45_000);
  });

  it('the error counter is unthrottled: ~1 failure per session per second up to v0.8.0', () => {
    const counts = writeErrorCounts(ver('0.8.0'), staleSessions(200), T0, T0 + HOUR, 'n1');
    expect(counts).toHaveLength(1);
    const [c] = counts;
    expect(c?.iface).toBe('doublezero0');
    expect(c?.localIp).toBe('209.245.225.161');
    expect(c?.count).toBeGreaterThan(200 * 3500);
    expect(c?.count).toBeLessThan(200 * 3700);
  });

  it('v0.7.0 warnings carry no peer; the error text names the peer', () => {
    const { warnings } = sendWarnings({ version: ver('0.7.0'), sessions: staleSessions(3), fromMs: T0, toMs: T0 + 60_000, seed: 'z' });
    expect(warnings.length).toBeGreaterThan(5);
    for (const w of warnings) {
      expect(w.record.line).not.toContain('"peer"');
      expect(w.record.line).toContain(`->${w.peer.peerIp}:44880: sendmsg: network is unreachable"}`);
    }
  });

  it('sends outside a failure span are not warnings', () => {
    const [s] = staleSessions(1);
    if (!s) throw new Error('no session');
    const span = { ...s, failures: [{ fromMs: T0 + 60_000, toMs: T0 + 120_000, error: 'x' }] };
    const { warnings } = sendWarnings({ version: ver('0.8.0'), sessions: [span], fromMs: T0, toMs: T0 + 600_000, seed: 'z' });
    // 60 s of ~1 s sends: each warning is the first send once 5 s have passed, so 5–6 s apart.
    expect(warnings.length).toBeGreaterThanOrEqual(10);
    expect(warnings.length).toBeLessThanOrEqual(12);
    for (const w of warnings) expect(w.atMs >= T0 + 60_000 && w.atMs < T0 + 120_000).toBe(true);
  });
});

describe('unknown-peer packets (manager.go HandleRx, unknownPeerErrWarnEvery = 5 s)', () => {
  const stream = { peer: { iface: 'doublezero0', localIp: '198.18.0.58', peerIp: '45.250.254.10' }, fromMs: T0, toMs: null, localDiscr: 7 };

  it('one WARN per ~5 s up to v0.8.0, with the sender as peer', () => {
    const { records } = unknownPeerWarnings({ version: ver('0.8.0'), streams: [stream], fromMs: T0, toMs: T0 + 60_000, seed: 'u' });
    expect(records.length).toBeGreaterThanOrEqual(9);
    expect(records.length).toBeLessThanOrEqual(12);
    for (const r of records) {
      expect(r.record.level).toBe('WARN');
      expect(r.record.line).toContain(
        '"msg":"liveness: received control packet for unknown peer","peer":"interface: doublezero0, localIP: 198.18.0.58, peerIP: 45.250.254.10","peerDiscr":0,"localDiscr":7,"state":1}',
      );
    }
  });

  it('DEBUG since v0.8.1', () => {
    const { records } = unknownPeerWarnings({ version: ver('0.8.1'), streams: [stream], fromMs: T0, toMs: T0 + 60_000, seed: 'u' });
    expect(records.every((r) => r.record.level === 'DEBUG')).toBe(true);
  });
});

describe('send schedule (session.go ComputeNextTx: ±10 % jitter, Down backoff to BackoffMax)', () => {
  it('ramps 300 ms → 600 ms → 1 s cap (v0.8.0) and stays ordered', () => {
    const s = sendSchedule({ startMs: 0, baseMs: 300, capMs: 1000, seed: 1, key: 'k' });
    expect(s.ramp).toHaveLength(2);
    for (let k = 1; k < 1000; k++) {
      const gap = sendTimeMs(s, k) - sendTimeMs(s, k - 1);
      expect(gap).toBeGreaterThan(0.25 * 300);
      expect(gap).toBeLessThan(1.25 * 1000);
    }
    expect(firstSendIndexAtOrAfter(s, sendTimeMs(s, 500))).toBe(500);
    expect(firstSendIndexAtOrAfter(s, sendTimeMs(s, 500) + 0.001)).toBe(501);
  });
});

describe('pinned send (internal/liveness/udp.go WriteTo with IP_PKTINFO; Linux route.c)', () => {
  const session = { iface: 'doublezero0', peerIp: '216.238.110.55' };
  const ok = { interfacePresent: true, interfaceUp: true, localIpAssigned: true, routePresent: true };

  it('a missing route is no error: the kernel sends a pinned packet anyway', () => {
    expect(pinnedSendResult(ver('0.8.0'), session, { ...ok, routePresent: false })).toEqual({ ok: true });
  });

  it('an unassigned local IP is ENETUNREACH: the seed line', () => {
    expect(pinnedSendResult(ver('0.8.0'), session, { ...ok, localIpAssigned: false })).toEqual({
      ok: false,
      cause: 'source-not-assigned',
      error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable',
    });
  });

  it('a down interface is ENETUNREACH too (not ENETDOWN)', () => {
    const r = pinnedSendResult(ver('0.8.3'), session, { ...ok, interfaceUp: false });
    expect(r).toMatchObject({ ok: false, cause: 'interface-down', error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable' });
  });

  it('a missing interface: net.InterfaceByName error up to v0.8.4, the ifCache error since v0.8.5', () => {
    const gone = { ...ok, interfacePresent: false, interfaceUp: false };
    expect(pinnedSendResult(ver('0.8.0'), session, gone)).toMatchObject({ ok: false, error: 'route ip+net: no such network interface' });
    expect(pinnedSendResult(ver('0.8.4'), session, gone)).toMatchObject({ ok: false, error: 'route ip+net: no such network interface' });
    expect(pinnedSendResult(ver('0.8.5'), session, gone)).toMatchObject({ ok: false, error: 'interface "doublezero0" not found' });
    // Within the ifCache's 30 s the stale index reaches the kernel: ENODEV.
    expect(pinnedSendResult(ver('0.8.5'), session, { ...gone, staleInterfaceIndex: true })).toMatchObject({
      ok: false,
      error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: no such device',
    });
  });

  it('an output firewall drop is EPERM', () => {
    expect(pinnedSendResult(ver('0.8.3'), session, { ...ok, firewallDrops: true })).toMatchObject({
      ok: false,
      error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: operation not permitted',
    });
  });
});
