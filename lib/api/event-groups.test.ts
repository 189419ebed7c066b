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
  it('one group per level, message and session, counted, with first and last time and the newest error; newest group first', () => {
    const groups = groupEvents(events);
    expect(groups.map((g) => [g.level, g.msg, g.peerIp, g.count])).toEqual([
      ['INFO', 'manager starting', null, 1],
      ['WARN', warn, '10.0.0.9', 3],
      ['WARN', warn, '10.0.0.10', 1],
      ['INFO', 'liveness: session up', '10.0.0.9', 1],
    ]);
    const g = groups[1]!;
    expect([g.first, g.last]).toEqual(['2026-12-01T12:00:05Z', '2026-12-01T12:00:20Z']);
    expect(g.lastError).toBe('write udp 0.0.0.0:44880->10.0.0.9:44880: sendmsg: network is unreachable');
    expect(g.events.map((e) => e.at)).toEqual(['2026-12-01T12:00:20Z', '2026-12-01T12:00:15Z', '2026-12-01T12:00:05Z']);
  });

  it('the same message from another local IP is another session, so another group', () => {
    const groups = groupEvents([ev('00:05', '10.0.0.9'), ev('00:06', '10.0.0.9', { localIp: '198.18.0.2' })]);
    expect(groups).toHaveLength(2);
  });

  it('filters by peer and by level before grouping', () => {
    expect(groupEvents(events, { peer: '10.0.0.9', level: '' }).map((g) => [g.level, g.count])).toEqual([
      ['WARN', 3],
      ['INFO', 1],
    ]);
    expect(groupEvents(events, { peer: '', level: 'INFO' }).map((g) => g.msg)).toEqual(['manager starting', 'liveness: session up']);
    expect(groupEvents(events, { peer: '10.0.0.10', level: 'INFO' })).toEqual([]);
  });

  it('offers every peer (IPv4 in numeric order) and level present', () => {
    expect(eventFacets([...events, ev('00:40', 'fe80::1')])).toEqual({ peers: ['10.0.0.9', '10.0.0.10', 'fe80::1'], levels: ['INFO', 'WARN'] });
  });
});
