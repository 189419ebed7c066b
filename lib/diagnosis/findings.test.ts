import { describe, expect, it } from 'vitest';
import type { MetricSample } from '../parse/metrics';
import type { DaemonStatus } from '../parse/daemon-status';
import type { NodeState } from '../model/node-state';
import { diagnose } from './diagnose';
import { DEFAULT_STALE_AFTER_MS, pollFreshness } from './freshness';
import { COLLECTED_AT, LOCAL_IP, PEER, address, before, link, livenessEvent, nodeState, throttledWarnings } from './testing';
import { lifecycleOf, verdictRank, verdicts, worstVerdict, type Verdict } from './types';

// Node-level findings (docs/diagnosis.md, step 6): the stale local IP with its K, each tunnel the node
// should have, and what a verdict means for its lifecycle and rank.

const unassigned = { addresses: [address('doublezero0', '169.254.0.3', 31)] };
const metric = (name: string, labels: Record<string, string>, value: number): MetricSample => ({ name, labels, value });
const staleFinding = (over: Partial<NodeState>) => diagnose(nodeState({ ...unassigned, ...over })).findings.find((f) => f.kind === 'stale-local-ip');

describe('the stale local IP finding', () => {
  const events = throttledWarnings(['198.51.100.1', '198.51.100.2', '198.51.100.3'], 100, 0);

  it('counts the peers sampled as a lower bound without the metrics', () => {
    expect(staleFinding({ events })).toEqual({
      kind: 'stale-local-ip',
      verdict: 'stale-session',
      interface: 'doublezero0',
      localIP: LOCAL_IP,
      sessionsFailing: 3,
      exact: false,
      peersSampled: 3,
      writeErrors: null,
      since: before(100),
      summary: `local IP ${LOCAL_IP} is not assigned to doublezero0; ≥ 3 session(s) failing`,
      evidence: [
        `${LOCAL_IP} is on no interface of the node, yet the daemon that started (start unknown) still has sessions from it`,
        '3 distinct peer(s) seen with it since the daemon started (3 named by send warnings); the daemon logs one warning per 5 s for all sessions, so the real number may be higher',
      ],
    });
  });

  it('takes K exactly from doublezero_liveness_sessions of that local IP and interface, summing its states', () => {
    const metrics = [
      metric('doublezero_liveness_sessions', { iface: 'doublezero0', local_ip: LOCAL_IP, state: 'down' }, 190),
      metric('doublezero_liveness_sessions', { iface: 'doublezero0', local_ip: LOCAL_IP, state: 'init' }, 10),
      metric('doublezero_liveness_sessions', { local_ip: LOCAL_IP, state: 'up' }, 1),
      metric('doublezero_liveness_sessions', { iface: 'doublezero1', local_ip: LOCAL_IP, state: 'down' }, 1000),
      metric('doublezero_liveness_sessions', { iface: 'doublezero0', local_ip: '203.0.113.10', state: 'up' }, 1000),
      metric('doublezero_liveness_sessions', { iface: 'doublezero0', local_ip: LOCAL_IP, state: 'admin' }, Number.NaN),
      metric('doublezero_liveness_write_socket_errors_total', { iface: 'doublezero0', local_ip: LOCAL_IP }, 712),
      metric('doublezero_liveness_sessions_other', { iface: 'doublezero0', local_ip: LOCAL_IP }, 5),
    ];
    const f = staleFinding({
      events,
      metrics,
      daemon: {
        unitState: 'active',
        sessions: null,
        version: null,
        unit: { mainPid: 1, activeSince: before(3600), mainStartedAt: null, argv: null },
        status: null,
      },
    });
    expect(f).toMatchObject({ sessionsFailing: 201, exact: true, writeErrors: 712, peersSampled: 3 });
    expect(f?.summary).toBe(`local IP ${LOCAL_IP} is not assigned to doublezero0; 201 session(s) failing`);
    expect(f?.evidence).toEqual([
      `${LOCAL_IP} is on no interface of the node, yet the daemon that started ${before(3600)} still has sessions from it`,
      `doublezero_liveness_sessions{iface="doublezero0",local_ip="${LOCAL_IP}"} = 201: the exact number of sessions from it`,
      'doublezero_liveness_write_socket_errors_total = 712 (every failed send, unthrottled)',
    ]);
  });

  it('reads no K from metrics that name another local IP', () => {
    const f = staleFinding({ events, metrics: [metric('doublezero_liveness_sessions', { iface: 'doublezero0', local_ip: '203.0.113.10' }, 9)] });
    expect(f).toMatchObject({ sessionsFailing: 3, exact: false, writeErrors: null });
  });

  it('speaks of an unlogged local IP on daemons before v0.7.1, and reads no metric for it', () => {
    const f = staleFinding({
      events: throttledWarnings([PEER], 30, 0, { localIP: undefined }),
      metrics: [metric('doublezero_liveness_sessions', { local_ip: '' }, 9)],
    });
    expect(f).toMatchObject({ localIP: null, exact: false, sessionsFailing: 1, writeErrors: null });
    expect(f?.summary).toBe('a local IP this daemon version does not log (client < v0.7.1) is not assigned to doublezero0; ≥ 1 session(s) failing');
    expect(f?.evidence[0]).toBe('sends fail with "network is unreachable" while doublezero0 is up and routes the peers: their source is not assigned');
  });

  it('makes one finding per (interface, local IP), from the earliest failure', () => {
    const d = diagnose(
      nodeState({
        ...unassigned,
        links: [link('doublezero0'), link('doublezero1')],
        events: [
          ...throttledWarnings(['198.51.100.1'], 50, 0),
          ...throttledWarnings(['198.51.100.2'], 200, 100, { localIP: '203.0.113.77' }),
          ...throttledWarnings(['198.51.100.3'], 40, 0, { interface: 'doublezero1' }),
        ],
      }),
    );
    const found = d.findings.filter((f) => f.kind === 'stale-local-ip').map((f) => [f.interface, f.localIP, f.since]);
    // in the order the sessions were first seen
    expect(found).toEqual([
      ['doublezero0', '203.0.113.77', before(200)],
      ['doublezero0', LOCAL_IP, before(50)],
      ['doublezero1', LOCAL_IP, before(40)],
    ]);
  });

  it('counts as sampled only current sessions of that IP that failed', () => {
    const quietPeer = livenessEvent('liveness: session up', before(500), { peerIP: '198.51.100.9' });
    const f = staleFinding({ events: [...events, quietPeer] });
    expect(f).toMatchObject({ sessionsFailing: 4, peersSampled: 3 });
    // failures of the process before the restart, of another local IP or another interface are not this finding's
    const daemon = {
      unitState: 'active' as const,
      sessions: null,
      version: null,
      unit: { mainPid: null, activeSince: before(200), mainStartedAt: null, argv: null },
      status: null,
    };
    const mixed = [
      ...events,
      ...throttledWarnings(['198.51.100.20'], 400, 300),
      ...throttledWarnings(['198.51.100.21'], 30, 20, { localIP: '203.0.113.77' }),
      ...throttledWarnings(['198.51.100.22'], 30, 20, { interface: 'doublezero1' }),
    ];
    const d = diagnose(nodeState({ ...unassigned, links: [link('doublezero0'), link('doublezero1')], events: mixed, daemon }));
    expect(d.findings.filter((x) => x.kind === 'stale-local-ip').map((x) => [x.interface, x.localIP, x.peersSampled, x.sessionsFailing])).toEqual([
      ['doublezero0', LOCAL_IP, 3, 3],
      ['doublezero0', '203.0.113.77', 1, 1],
      ['doublezero1', LOCAL_IP, 1, 1],
    ]);
  });
});

describe('tunnels', () => {
  const status = (services: Partial<DaemonStatus['services'][number]>[]): DaemonStatus => ({
    endpoint: '/v2/status',
    reconcilerEnabled: true,
    clientIp: null,
    network: null,
    extra: {},
    services: services.map((s) => ({
      userType: null,
      tunnelName: null,
      tunnelSrc: null,
      tunnelDst: null,
      doubleZeroIp: null,
      sessionStatus: null,
      lastSessionUpdate: null,
      currentDevice: null,
      metro: null,
      tenant: null,
      multicastGroups: null,
      raw: {},
      ...s,
    })),
  });
  const tunnelsOf = (over: Partial<NodeState>) => diagnose(nodeState(over)).tunnels.map((t) => `${t.interface} ${t.role} ${t.state}: ${t.expectedBecause}`);
  const daemon = (s: DaemonStatus) => ({ unitState: 'active' as const, sessions: null, version: null, unit: null, status: s });

  it('expects a tunnel whose link exists, and says its state', () => {
    expect(tunnelsOf({})).toEqual(['doublezero0 unicast up: the link exists']);
    expect(tunnelsOf({ links: [link('doublezero0', { operstate: 'DOWN' }), link('doublezero1')] })).toEqual([
      'doublezero0 unicast down: the link exists',
      'doublezero1 multicast up: the link exists',
    ]);
  });

  it("expects a missing tunnel that the daemon's services name, by tunnel or by user type", () => {
    expect(tunnelsOf({ links: [], daemon: daemon(status([{ userType: 'IBRL', tunnelName: 'doublezero0' }])) })).toEqual([
      "doublezero0 unicast missing: doublezerod's /v2/status lists a IBRL service on it",
    ]);
    expect(tunnelsOf({ links: [], daemon: daemon(status([{ userType: 'Multicast' }])) })).toEqual([
      "doublezero1 multicast missing: doublezerod's /v2/status lists a Multicast service on it",
    ]);
    expect(tunnelsOf({ links: [], daemon: daemon(status([{ userType: 'IBRLWithAllocatedIP' }])) })).toEqual([
      "doublezero0 unicast missing: doublezerod's /v2/status lists a IBRLWithAllocatedIP service on it",
    ]);
    expect(tunnelsOf({ links: [], daemon: daemon(status([{ tunnelName: 'doublezero1' }])) })).toEqual([
      "doublezero1 multicast missing: doublezerod's /v2/status lists a multicast service on it",
    ]);
    expect(tunnelsOf({ links: [], daemon: daemon(status([{ userType: null }])) })).toEqual([]);
  });

  it('expects a missing tunnel the current daemon has sessions on, and no other', () => {
    expect(tunnelsOf({ links: [], events: [livenessEvent('liveness: session up', before(10))] })).toEqual([
      'doublezero0 unicast missing: the daemon has liveness sessions on it',
    ]);
    const old = [livenessEvent('liveness: session up', before(100)), livenessEvent('liveness: manager starting', before(50), { peerIP: undefined })];
    expect(tunnelsOf({ links: [], events: old })).toEqual([]);
  });

  it('makes a finding of each expected tunnel that is not up, with its evidence', () => {
    const d = diagnose(
      nodeState({ links: [link('doublezero1', { up: false, flags: [] })], daemon: daemon(status([{ userType: 'IBRL', tunnelName: 'doublezero0' }])) }),
    );
    expect(d.findings).toEqual([
      {
        kind: 'tunnel',
        verdict: 'interface-missing',
        interface: 'doublezero0',
        role: 'unicast',
        summary: 'unicast tunnel doublezero0 is missing',
        evidence: ["no doublezero0 among the links (doublezero1), expected because doublezerod's /v2/status lists a IBRL service on it"],
      },
      {
        kind: 'tunnel',
        verdict: 'interface-down',
        interface: 'doublezero1',
        role: 'multicast',
        summary: 'multicast tunnel doublezero1 is down',
        evidence: ['doublezero1: flags -, operstate UNKNOWN'],
      },
    ]);
    const none = diagnose(nodeState({ links: [], events: [livenessEvent('liveness: session up', before(10))] }));
    expect(none.findings.find((f) => f.kind === 'tunnel')?.evidence).toEqual([
      'no doublezero0 among the links (none), expected because the daemon has liveness sessions on it',
    ]);
    const down = diagnose(nodeState({ links: [link('doublezero0', { up: false, flags: ['POINTOPOINT', 'NOARP'] })] }));
    expect(down.findings[0]?.evidence).toEqual(['doublezero0: flags POINTOPOINT,NOARP, operstate UNKNOWN']);
  });
});

describe('pollFreshness: one rule for every view', () => {
  const now = new Date(COLLECTED_AT);
  it.each<[string, Parameters<typeof pollFreshness>[0], number | undefined, { fresh: boolean; reason: string | null; ageSeconds: number | null }]>([
    ['fresh at the limit', { state: 'ok', lastSuccessAt: before(30) }, undefined, { fresh: true, reason: null, ageSeconds: 30 }],
    ['stale just past it', { state: 'ok', lastSuccessAt: before(31) }, undefined, { fresh: false, reason: 'last successful poll 31 s ago', ageSeconds: 31 }],
    [
      'rounded to the second',
      { state: 'ok', lastSuccessAt: new Date(Date.parse(COLLECTED_AT) - 30_400).toISOString() },
      undefined,
      { fresh: true, reason: null, ageSeconds: 30 },
    ],
    ['never in the future', { state: 'ok', lastSuccessAt: before(-20) }, undefined, { fresh: true, reason: null, ageSeconds: 0 }],
    ['a limit of its own', { state: 'ok', lastSuccessAt: before(31) }, 60_000, { fresh: true, reason: null, ageSeconds: 31 }],
    ['pending, never polled', { state: 'pending', lastSuccessAt: null }, undefined, { fresh: false, reason: 'never polled successfully', ageSeconds: null }],
    [
      'an unreadable last success',
      { state: 'ok', lastSuccessAt: 'yesterday' },
      undefined,
      { fresh: false, reason: 'never polled successfully', ageSeconds: null },
    ],
    [
      'a failed poll, even after a recent success',
      { state: 'error', lastSuccessAt: before(1), lastError: 'ETIMEDOUT' },
      undefined,
      { fresh: false, reason: 'last poll failed: ETIMEDOUT', ageSeconds: 1 },
    ],
    [
      'a failed poll without its error',
      { state: 'error', lastSuccessAt: before(1), lastError: null },
      undefined,
      { fresh: false, reason: 'last poll failed', ageSeconds: 1 },
    ],
    [
      'a changed host key',
      { state: 'host-key-changed', lastSuccessAt: before(1) },
      undefined,
      { fresh: false, reason: 'host key changed: polling stopped', ageSeconds: 1 },
    ],
  ])('%s', (_name, poll, limit, expected) => {
    expect(pollFreshness(poll, now, limit)).toEqual({ ...expected, pollState: poll.state, lastSuccessAt: poll.lastSuccessAt });
  });
  it('is 30 s by default', () => {
    expect(DEFAULT_STALE_AFTER_MS).toBe(30_000);
  });
});

describe('verdicts: lifecycle and rank', () => {
  it.each<[Verdict, string]>([
    ['interface-missing', 'failing'],
    ['interface-down', 'failing'],
    ['stale-session', 'failing'],
    ['no-route', 'failing'],
    ['firewall-blocked', 'failing'],
    ['recovering', 'recovering'],
    ['healthy', 'healthy'],
    ['unknown', 'unknown'],
  ])('%s is %s', (v, lifecycle) => {
    expect(lifecycleOf(v)).toBe(lifecycle);
  });

  it('ranks concrete causes worst, then unknown, recovering and healthy', () => {
    expect([...verdicts].sort((a, b) => verdictRank(a) - verdictRank(b))).toEqual([
      'interface-missing',
      'interface-down',
      'stale-session',
      'no-route',
      'firewall-blocked',
      'unknown',
      'recovering',
      'healthy',
    ]);
    expect(worstVerdict(['healthy', 'recovering'])).toBe('recovering');
    expect(worstVerdict(['recovering', 'healthy'])).toBe('recovering');
    expect(worstVerdict(['firewall-blocked', 'unknown'])).toBe('firewall-blocked');
    expect(worstVerdict(['stale-session', 'stale-session'])).toBe('stale-session');
  });
});
