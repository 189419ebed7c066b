import { describe, expect, it } from 'vitest';
import type { DaemonFacts } from './types';
import { DAEMON_STARTED_MSG, SEND_FAILURE_MSG } from '../parse/journal';
import { COLLECTED_AT, LOCAL_IP, PEER, before, bgpRoute, livenessEvent, nodeState, sendWarning } from './testing';
import { DEFAULT_INTERFACE, MAX_ROUTE_PEERS, daemonFacts, isOfCurrentDaemon, isSendFailure, isWarning, sightings, toEventLike } from './sessions';

const facts = (over: Partial<DaemonFacts> = {}): DaemonFacts => ({
  version: null,
  pid: null,
  startedAt: null,
  startedAtSource: null,
  unitState: 'active',
  lastSendWarningAt: null,
  ...over,
});
const unit = (over: { mainPid?: number | null; activeSince?: string | null } = {}) => ({
  mainPid: null,
  activeSince: null,
  mainStartedAt: null,
  argv: null,
  ...over,
});

describe('log levels and messages', () => {
  it.each([
    ['WARN', true],
    ['WARNING', true],
    ['ERROR', true],
    ['INFO', false],
    ['DEBUG', false],
    ['', false],
  ])('%s is a warning: %s', (level, expected) => {
    expect(isWarning({ level })).toBe(expected);
  });

  it('takes only the scheduler send failure as a failed send', () => {
    expect(isSendFailure({ msg: SEND_FAILURE_MSG })).toBe(true);
    expect(isSendFailure({ msg: 'liveness.recv: non-timeout read error' })).toBe(false);
    expect(isSendFailure({ msg: `${SEND_FAILURE_MSG} ` })).toBe(false);
  });
});

describe('daemonFacts: which daemon process the sessions belong to', () => {
  it('knows nothing when nothing tells', () => {
    expect(daemonFacts(nodeState({ daemon: { unitState: null, sessions: null, version: '0.8.1', unit: null, status: null } }), [])).toEqual({
      version: '0.8.1',
      pid: null,
      startedAt: null,
      startedAtSource: null,
      unitState: null,
      lastSendWarningAt: null,
    });
  });

  it.each<[string, string | null, { at: string; msg: string }[], string | null, DaemonFacts['startedAtSource']]>([
    ['systemctl alone', before(600), [], before(600), 'systemctl'],
    ['the manager start line alone', null, [{ at: before(300), msg: 'liveness: manager starting' }], before(300), 'journal: manager starting'],
    ["systemd's Started line alone", null, [{ at: before(300), msg: DAEMON_STARTED_MSG }], before(300), 'journal: systemd'],
    ['a start line newer than systemctl', before(600), [{ at: before(300), msg: 'liveness: manager starting' }], before(300), 'journal: manager starting'],
    ['systemctl newer than the start line', before(100), [{ at: before(300), msg: 'liveness: manager starting' }], before(100), 'systemctl'],
    [
      'the newest of several start lines',
      null,
      [
        { at: before(300), msg: DAEMON_STARTED_MSG },
        { at: before(900), msg: 'liveness: manager starting' },
        { at: before(600), msg: DAEMON_STARTED_MSG },
      ],
      before(300),
      'journal: systemd',
    ],
    [
      'a start up to a minute ahead of the collection (clock skew)',
      null,
      [{ at: before(-60), msg: 'liveness: manager starting' }],
      before(-60),
      'journal: manager starting',
    ],
    ['not a start more than a minute in the future', before(600), [{ at: before(-61), msg: 'liveness: manager starting' }], before(600), 'systemctl'],
    ['not other liveness lines', null, [{ at: before(300), msg: 'liveness: session up' }], null, null],
  ])('takes the start from %s', (_name, activeSince, lines, startedAt, source) => {
    const state = nodeState({ daemon: { unitState: 'active', sessions: null, version: null, unit: unit({ activeSince }), status: null } });
    const d = daemonFacts(
      state,
      lines.map((l) => livenessEvent(l.msg, l.at)),
    );
    expect(d.startedAt).toBe(startedAt);
    expect(d.startedAtSource).toBe(source);
  });

  it('writes the start as ISO UTC whatever offset it was read with', () => {
    const d = daemonFacts(nodeState(), [livenessEvent('liveness: manager starting', '2025-11-30T21:35:00+02:00')]);
    expect(d.startedAt).toBe('2025-11-30T19:35:00.000Z');
  });

  it('keeps the newest send warning of the whole daemon, any peer, in any order', () => {
    const d = daemonFacts(nodeState(), [
      sendWarning(before(20), { peerIP: '198.51.100.1' }),
      sendWarning(before(5)),
      sendWarning(before(50)),
      livenessEvent('liveness: session down', before(1), { level: 'WARN' }),
    ]);
    expect(d.lastSendWarningAt).toBe(before(5));
  });

  it('takes the PID from systemctl, else from the newest line', () => {
    const lines = [
      livenessEvent('liveness: session up', before(100), { pid: 7 }),
      livenessEvent('liveness: session up', before(50), { pid: 9 }),
      livenessEvent('liveness: session up', before(200), { pid: 8 }),
    ];
    expect(daemonFacts(nodeState(), lines).pid).toBe(9);
    expect(
      daemonFacts(nodeState({ daemon: { unitState: 'active', sessions: null, version: null, unit: unit({ mainPid: 42 }), status: null } }), lines).pid,
    ).toBe(42);
  });

  it('takes a restart from the first line of a new PID, even without its start line', () => {
    const lines = [
      livenessEvent('liveness: session up', before(30), { pid: 200 }),
      livenessEvent('liveness: session up', before(300), { pid: 100 }),
      livenessEvent('liveness: session up', before(90), { pid: 200 }),
      livenessEvent('liveness: session up', before(200), { pid: 100 }),
    ];
    expect(daemonFacts(nodeState(), lines)).toMatchObject({ pid: 200, startedAt: before(90), startedAtSource: 'journal: new PID' });
  });

  it('sees no restart in the lines of one PID, nor when the running PID wrote none of them', () => {
    const one = [livenessEvent('liveness: session up', before(300), { pid: 100 }), livenessEvent('liveness: session up', before(30), { pid: 100 })];
    expect(daemonFacts(nodeState(), one)).toMatchObject({ pid: 100, startedAt: null });
    const two = [livenessEvent('liveness: session up', before(300), { pid: 100 }), livenessEvent('liveness: session up', before(30), { pid: 101 })];
    const elsewhere = nodeState({ daemon: { unitState: 'active', sessions: null, version: null, unit: unit({ mainPid: 555 }), status: null } });
    expect(daemonFacts(elsewhere, two)).toMatchObject({ pid: 555, startedAt: null });
  });
});

describe('isOfCurrentDaemon', () => {
  const at = before(100);
  it.each<[string, { pid?: number }, Partial<DaemonFacts>, boolean]>([
    ['any line when nothing is known', {}, {}, true],
    ['a line after the start', {}, { startedAt: before(200) }, true],
    ['a line at the start itself', {}, { startedAt: at }, true],
    ['not a line before the start', {}, { startedAt: before(99) }, false],
    ['a line of the running PID', { pid: 5 }, { pid: 5 }, true],
    ['not a line of another PID', { pid: 4 }, { pid: 5 }, false],
    ['not a line of the running PID written before its start', { pid: 5 }, { pid: 5, startedAt: before(50) }, false],
    ['a line without a PID when the PID is known', {}, { pid: 5 }, true],
    ['a line with a PID when none is known', { pid: 4 }, {}, true],
  ])('%s', (_name, event, daemon, expected) => {
    expect(isOfCurrentDaemon(livenessEvent('liveness: session up', at, event), facts(daemon))).toBe(expected);
  });
});

describe('sightings: the sessions of a node', () => {
  const ids = (list: ReturnType<typeof sightings>) => list.map((s) => `${s.interface}|${s.localIP}|${s.peer}`);

  it('reads sessions from liveness lines of any level that name a peer', () => {
    const events = [
      livenessEvent('liveness: session up', before(100), { peerIP: '198.51.100.1' }),
      livenessEvent('liveness: session down', before(90), { level: 'WARN', peerIP: '198.51.100.2', interface: 'doublezero1' }),
      livenessEvent('liveness: session up', before(80), { peerIP: undefined }),
      livenessEvent('liveness: received control packet for unknown peer', before(70), { level: 'WARN', peerIP: '198.51.100.3' }),
      livenessEvent('bgp: session up', before(60), { peerIP: '198.51.100.4' }),
      livenessEvent('liveness: session up', before(50), { peerIP: '198.51.100.5', interface: undefined, localIP: undefined }),
    ];
    const list = sightings(nodeState(), events, facts());
    expect(ids(list)).toEqual([`doublezero0|${LOCAL_IP}|198.51.100.1`, `doublezero1|${LOCAL_IP}|198.51.100.2`, `${DEFAULT_INTERFACE}||198.51.100.5`]);
    expect(list.every((s) => s.current && s.sources.join() === 'log')).toBe(true);
  });

  it('keeps send failures oldest first, those of the current process apart from all', () => {
    const daemon = facts({ startedAt: before(100) });
    const events = [sendWarning(before(10)), sendWarning(before(150)), sendWarning(before(50)), livenessEvent('liveness: session up', before(5))];
    const [s] = sightings(nodeState(), events, daemon);
    expect(s!.allFailures.map((e) => e.at)).toEqual([before(150), before(50), before(10)]);
    expect(s!.failures.map((e) => e.at)).toEqual([before(50), before(10)]);
    expect(s).toMatchObject({ current: true, lastAt: before(5), lastMsg: 'liveness: session up' });
  });

  it('marks a session seen only before the daemon started as not current, with its last line', () => {
    const daemon = facts({ startedAt: before(100) });
    const [s] = sightings(nodeState(), [sendWarning(before(300)), livenessEvent('liveness: session down', before(200))], daemon);
    expect(s).toMatchObject({ current: false, lastAt: before(200), lastMsg: 'liveness: session down', failures: [] });
    expect(s!.allFailures).toHaveLength(1);
  });

  it('keeps the last line of the current process when older lines come later in the log', () => {
    const daemon = facts({ pid: 2 });
    const events = [livenessEvent('liveness: session up', before(100), { pid: 2 }), livenessEvent('liveness: session down', before(50), { pid: 1 })];
    const [s] = sightings(nodeState(), events, daemon);
    expect(s).toMatchObject({ current: true, lastAt: before(100), lastMsg: 'liveness: session up' });
  });

  it("takes the daemon's /routes sessions as current sessions of the unicast tunnel", () => {
    const sessions = [{ localIP: '203.0.113.10', peerIP: '198.51.100.7' }];
    const list = sightings(
      nodeState({ daemon: { unitState: 'active', sessions, version: null, unit: null, status: null } }),
      [livenessEvent('liveness: session up', before(10), { localIP: '203.0.113.10', peerIP: '198.51.100.7' })],
      facts({ startedAt: before(5) }),
    );
    expect(list).toEqual([
      expect.objectContaining({ interface: 'doublezero0', localIP: '203.0.113.10', peer: '198.51.100.7', current: true, sources: ['log', 'daemon-routes'] }),
    ]);
  });

  it('takes kernel BGP host routes on a doublezero tunnel as sessions, and nothing else', () => {
    const routes = [
      bgpRoute('198.51.100.1'),
      bgpRoute('198.51.100.2', { protocol: 'static' }),
      bgpRoute('198.51.100.3', { dev: 'eth0' }),
      bgpRoute('198.51.100.4', { dev: undefined }),
      bgpRoute('198.51.100.5', { prefsrc: undefined }),
      { ...bgpRoute('198.51.100.0'), dst: { family: 'inet' as const, addr: '198.51.100.0', len: 24 } },
      bgpRoute('2001:db8::7', { dev: 'doublezero1', prefsrc: '2001:db8::1' }),
      { ...bgpRoute('2001:db8::'), dst: { family: 'inet6' as const, addr: '2001:db8::', len: 64 } },
    ];
    const list = sightings(nodeState({ routes }), [], facts());
    expect(ids(list)).toEqual([`doublezero0|${LOCAL_IP}|198.51.100.1`, 'doublezero1|2001:db8::1|2001:db8::7']);
    expect(list.map((s) => s.sources)).toEqual([['kernel-route'], ['kernel-route']]);
    expect(list.every((s) => s.current)).toBe(true);
  });

  it(`takes kernel routes as peers only up to ${MAX_ROUTE_PEERS} of them (a full table is not a peer list)`, () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => bgpRoute(`10.${Math.floor(i / 250)}.${i % 250}.1`));
    expect(sightings(nodeState({ routes: many(MAX_ROUTE_PEERS) }), [], facts())).toHaveLength(MAX_ROUTE_PEERS);
    expect(sightings(nodeState({ routes: many(MAX_ROUTE_PEERS + 1) }), [], facts())).toEqual([]);
  });

  it('drops a session whose last word was its removal, unless the daemon or the kernel still lists it', () => {
    const up = livenessEvent('liveness: session up', before(300));
    const withdrawn = livenessEvent('liveness: withdrawing route', before(200));
    expect(sightings(nodeState(), [up, withdrawn], facts())).toEqual([]);
    expect(sightings(nodeState(), [withdrawn, { ...up, at: before(100) }], facts())).toHaveLength(1);
    expect(sightings(nodeState({ routes: [bgpRoute(PEER)] }), [up, withdrawn], facts())).toHaveLength(1);
  });

  it('lists each source of a session once', () => {
    const list = sightings(nodeState({ routes: [bgpRoute(PEER)] }), [livenessEvent('liveness: session up', before(20)), sendWarning(before(10))], facts());
    expect(list).toHaveLength(1);
    expect(list[0]!.sources).toEqual(['log', 'kernel-route']);
    expect(list[0]!.lastAt).toBe(before(10));
    expect(COLLECTED_AT > list[0]!.lastAt!).toBe(true);
  });
});

describe('toEventLike', () => {
  it('keeps exactly the fields the diagnosis reads, not the journal line or the daemon record', () => {
    const parsed = {
      at: '2026-11-26T04:51:08.446Z',
      level: 'WARN',
      msg: 'liveness.scheduler: error writing UDP packet',
      interface: 'doublezero0',
      localIP: '198.18.2.1',
      peerIP: '198.18.7.55',
      error: 'sendmsg: network is unreachable',
      pid: 1027617,
      dedupeKey: 'k1',
      raw: 'x'.repeat(300),
      fields: { time: '2026-11-26T04:51:08.446123456Z', msg: 'liveness.scheduler: error writing UDP packet' },
      peerFrom: 'peer-field' as const,
    };
    expect(toEventLike(parsed)).toStrictEqual({
      at: parsed.at,
      level: 'WARN',
      msg: parsed.msg,
      interface: 'doublezero0',
      localIP: '198.18.2.1',
      peerIP: '198.18.7.55',
      error: parsed.error,
      pid: 1027617,
      dedupeKey: 'k1',
    });
    expect(toEventLike({ at: parsed.at, level: 'INFO', msg: 'liveness: manager starting', dedupeKey: 'k2' })).toStrictEqual({
      at: parsed.at,
      level: 'INFO',
      msg: 'liveness: manager starting',
      dedupeKey: 'k2',
    });
  });
});
