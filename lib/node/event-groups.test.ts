import { describe, expect, it } from 'vitest';
import { eventFacets, groupEvents } from './event-groups';
import type { LivenessEventRow } from './node';

const warn = 'liveness.scheduler: error writing UDP packet';
const ev = (at: string, peerIp: string | null, opts: Partial<LivenessEventRow> = {}): LivenessEventRow => ({
  at: `2026-12-01T12:${at}Z`,
  level: 'WARN',
  msg: warn,
  interface: 'doublezero0',
  localIp: '209.245.225.161',
  peerIp,
  error: peerIp ? `write udp 0.0.0.0:44880->${peerIp}:44880: sendmsg: network is unreachable` : null,
  ...opts,
});

const events = [
  ev('00:05', '10.0.0.9'),
  ev('00:10', '10.0.0.10'),
  ev('00:15', '10.0.0.9', { error: 'write udp …: sendmsg: operation not permitted' }),
  ev('00:20', '10.0.0.9'),
  ev('00:01', '10.0.0.9', { level: 'INFO', msg: 'liveness: session up', error: null }),
  ev('00:30', null, { level: 'INFO', msg: 'manager starting', interface: null, localIp: null }),
];

describe('liveness events grouped', () => {
  it('one group per level and message, counted over its sessions, newest group first', () => {
    const groups = groupEvents(events);
    expect(groups.map((g) => [g.level, g.msg, g.count, g.sessions.length])).toEqual([
      ['INFO', 'manager starting', 1, 1],
      ['WARN', warn, 4, 2],
      ['INFO', 'liveness: session up', 1, 1],
    ]);
    const w = groups[1]!;
    expect([w.first, w.last]).toEqual(['2026-12-01T12:00:05Z', '2026-12-01T12:00:20Z']);
    expect(w.lastError).toBe('write udp 0.0.0.0:44880->10.0.0.9:44880: sendmsg: network is unreachable');
  });

  it('inside a message, one group per session with its count, time span, newest error and lines newest first', () => {
    const [s9, s10] = groupEvents(events)[1]!.sessions;
    expect([s9!.peerIp, s9!.count, s9!.first, s9!.last]).toEqual(['10.0.0.9', 3, '2026-12-01T12:00:05Z', '2026-12-01T12:00:20Z']);
    expect(s9!.events.map((e) => e.at)).toEqual(['2026-12-01T12:00:20Z', '2026-12-01T12:00:15Z', '2026-12-01T12:00:05Z']);
    expect([s10!.peerIp, s10!.count]).toEqual(['10.0.0.10', 1]);
  });

  it('the same message from another local IP is another session', () => {
    const [g] = groupEvents([ev('00:05', '10.0.0.9'), ev('00:06', '10.0.0.9', { localIp: '198.18.0.2' })]);
    expect(g!.sessions.map((s) => s.localIp)).toEqual(['198.18.0.2', '209.245.225.161']);
  });

  it('filters by peer and by level before grouping', () => {
    expect(groupEvents(events, { peer: '10.0.0.9', level: '' }).map((g) => [g.level, g.count, g.sessions.length])).toEqual([
      ['WARN', 3, 1],
      ['INFO', 1, 1],
    ]);
    expect(groupEvents(events, { peer: '', level: 'INFO' }).map((g) => g.msg)).toEqual(['manager starting', 'liveness: session up']);
    expect(groupEvents(events, { peer: '10.0.0.10', level: 'INFO' })).toEqual([]);
  });

  it('offers every peer (IPv4 in numeric order) and level present', () => {
    expect(eventFacets([...events, ev('00:40', 'fe80::1')])).toEqual({ peers: ['10.0.0.9', '10.0.0.10', 'fe80::1'], levels: ['INFO', 'WARN'] });
  });
});
