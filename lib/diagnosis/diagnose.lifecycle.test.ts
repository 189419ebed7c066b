import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FirewallState, NodeState } from '../model/node-state';
import { DEFAULT_WINDOW_MS, QUIET_PROOF_MS, diagnose, quietProofMs, warningText, type DiagnoseOptions } from './diagnose';
import { pollFreshness } from './freshness';
import { COLLECTED_AT, LOCAL_IP, PEER, address, before, bgpRoute, link, livenessEvent, nodeState, sendWarning, throttledWarnings } from './testing';
import { verdictRank, verdicts, worstVerdict, type Verdict, type WarningEvidence } from './types';

// The diagnosis on states built one fact at a time (docs/diagnosis.md "The reasoning"): precedence,
// the lifecycle (failing, recovering, unknown, healthy), the window, and what a node says as a whole.

const unassigned = { addresses: [address('doublezero0', '169.254.0.3', 31)] };
const run = (over: Partial<NodeState>, opts?: DiagnoseOptions) => diagnose(nodeState(over), opts);
const verdictOf = (d: ReturnType<typeof diagnose>, peer = PEER) => d.peers.find((p) => p.peer === peer)?.verdict;
const dropAll: FirewallState = {
  chains: [{ family: 'inet', table: 'filter', name: 'output', hook: 'output', priority: 0, policy: 'drop' }],
  rules: [],
};

describe('quietProofMs: how long a silence proves nothing fails', () => {
  it.each([
    ['0.7.0', QUIET_PROOF_MS],
    ['0.8.0', 36_000],
    ['0.8.1', Math.ceil(2 * 1.1 * 60_000 + 6_000)],
    ['0.12.3', 138_000],
    [null, 138_000],
    ['not a version', 138_000],
  ])('v%s: %i ms', (version, ms) => {
    expect(quietProofMs(version)).toBe(ms);
  });
  it('is six throttle periods with room for journal lag', () => {
    expect(QUIET_PROOF_MS).toBe(36_000);
    expect(DEFAULT_WINDOW_MS).toBe(900_000);
  });
});

describe('warningText: the warnings line says the count is a sample', () => {
  const w = (over: Partial<WarningEvidence>): WarningEvidence => ({
    count: 0,
    windowStart: before(900),
    windowEnd: COLLECTED_AT,
    lastAt: null,
    lastError: null,
    ...over,
  });
  it.each<[string, WarningEvidence, number, number, string]>([
    ['none ever', w({}), 900_000, 0, `no send warning naming this peer in the 15 min before ${COLLECTED_AT}`],
    [
      'none in the window',
      w({ lastAt: before(2000) }),
      900_000,
      0,
      `no send warning naming this peer in the 15 min before ${COLLECTED_AT} (last ${before(2000)})`,
    ],
    ['a rounded window', w({}), 89_000, 0, `no send warning naming this peer in the 1 min before ${COLLECTED_AT}`],
    [
      'one failing session',
      w({ count: 3, lastAt: before(5), lastError: 'boom' }),
      900_000,
      0,
      `3 send warning(s) naming this peer in the 15 min before ${COLLECTED_AT}, last ${before(5)}: boom. doublezerod logs at most one send warning every 5 s for the whole daemon, naming whichever session failed then: with 1 failing session a peer appears about every 5 s, so this is a sample, not a count of failures`,
    ],
    [
      'many failing sessions',
      w({ count: 2, lastAt: before(5) }),
      900_000,
      7,
      `2 send warning(s) naming this peer in the 15 min before ${COLLECTED_AT}, last ${before(5)}. doublezerod logs at most one send warning every 5 s for the whole daemon, naming whichever session failed then: with ≥ 7 failing sessions a peer appears about every 35 s, so this is a sample, not a count of failures`,
    ],
  ])('%s', (_name, evidence, windowMs, k, text) => {
    expect(warningText(evidence, windowMs, k)).toBe(text);
  });
});

describe('diagnose: precedence', () => {
  type Cause = 'missing' | 'down' | 'unassigned' | 'no-route' | 'firewall';
  const precedence: [Cause, Verdict][] = [
    ['missing', 'interface-missing'],
    ['down', 'interface-down'],
    ['unassigned', 'stale-session'],
    ['no-route', 'no-route'],
    ['firewall', 'firewall-blocked'],
  ];
  const withCauses = (causes: ReadonlySet<Cause>): Partial<NodeState> => ({
    links: causes.has('missing') ? [link('lo')] : [link('lo'), link('doublezero0', causes.has('down') ? { up: false, operstate: 'DOWN' } : {})],
    addresses: causes.has('unassigned') ? [address('doublezero0', '169.254.0.3', 31)] : [address('doublezero0', LOCAL_IP)],
    routes: causes.has('no-route') ? [] : [bgpRoute(PEER)],
    firewall: causes.has('firewall') ? dropAll : null,
  });

  it('a higher-precedence cause always wins, whatever else is wrong and however the peer warned', () => {
    fc.assert(
      fc.property(fc.subarray(precedence.map(([c]) => c)), fc.nat(40), (causes, warnings) => {
        // an error that names no cause on the node: with none found, ongoing warnings are unknown
        const events = [
          livenessEvent('liveness: session up', before(3000)),
          ...throttledWarnings([PEER], warnings * 5, 5, { error: 'sendmsg: operation not permitted' }),
        ];
        const d = run({ ...withCauses(new Set(causes)), events });
        const expected = precedence.find(([c]) => causes.includes(c))?.[1] ?? (warnings > 0 ? 'unknown' : 'healthy');
        expect(verdictOf(d)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('the worst verdict of a node is the one of lowest rank among its peers and findings', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...verdicts), { maxLength: 8 }), (list) => {
        const worst = worstVerdict(list);
        if (list.length === 0) expect(worst).toBeNull();
        else expect(list.every((v) => verdictRank(worst!) <= verdictRank(v))).toBe(true);
        if (worst) expect(list).toContain(worst);
      }),
    );
  });
});

describe('diagnose: quiet is not recovered', () => {
  it('a quiet stale peer stays stale while the daemon keeps warning, however long ago it was named', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 60, max: 3600 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('0.8.0', '0.8.3', null),
        (peerCount, history, lastGap, version) => {
          const peers = Array.from({ length: peerCount }, (_, i) => `198.51.100.${i + 1}`);
          // the daemon names the peers in turn, one warning per 5 s, from `history` s ago until `lastGap` s ago
          const events = throttledWarnings(peers, Math.max(history, lastGap + 5 * peerCount), lastGap);
          const d = run({ ...unassigned, events, daemon: { unitState: 'active', sessions: null, version, unit: null, status: null } });
          expect(d.peers.map((p) => p.verdict)).toEqual(peers.map(() => 'stale-session'));
          expect(d.findings.find((f) => f.kind === 'stale-local-ip')).toMatchObject({ sessionsFailing: peerCount, exact: false });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('clears stale peers once the whole daemon is silent for the proof time, and not a moment before', () => {
    const quietFor = (seconds: number, version: string) =>
      verdictOf(
        run({
          ...unassigned,
          events: throttledWarnings([PEER], seconds + 200, seconds),
          daemon: { unitState: 'active', sessions: null, version, unit: null, status: null },
        }),
      );
    expect(quietFor(35, '0.8.0')).toBe('stale-session');
    expect(quietFor(36, '0.8.0')).toBe('recovering');
    expect(quietFor(137, '0.8.3')).toBe('stale-session');
    expect(quietFor(138, '0.8.3')).toBe('recovering');
  });

  it('takes no silence as proof when the journal was not read, or the daemon is not running', () => {
    const events = throttledWarnings([PEER], 300, 200);
    expect(verdictOf(run({ ...unassigned, events }))).toBe('recovering');
    expect(verdictOf(run({ ...unassigned, events, sections: { ...nodeState().sections, journal: 'truncated' } }))).toBe('recovering');
    expect(verdictOf(run({ ...unassigned, events, sections: { ...nodeState().sections, journal: 'failed' } }))).toBe('stale-session');
  });

  it('says since when the daemon is quiet, and from its start when it never warned', () => {
    const quiet = run({ ...unassigned, events: throttledWarnings([PEER], 300, 200) });
    expect(quiet.peers[0]?.details.cleared).toEqual({
      by: 'daemon-quiet',
      at: before(200),
      text: `doublezerod has logged no send warning for any peer since ${before(200)} (over 138 s): a failing session keeps sending on its backoff and the daemon logs its failures at most 5 s apart, so none fails now`,
    });
    expect(quiet.peers[0]?.since).toBe(before(200));
    // a stale session that did not warn since the daemon started (systemctl) is not a session any more;
    // without a known start, no silence is long enough to prove it
    const sinceStart = {
      unitState: 'active' as const,
      sessions: null,
      version: null,
      unit: { mainPid: null, activeSince: before(600), mainStartedAt: null, argv: null },
      status: null,
    };
    const silent = run({ ...unassigned, events: [livenessEvent('liveness: session up', before(500))], daemon: sinceStart });
    expect(silent.peers).toEqual([]);
    expect(silent.findings).toEqual([]);
    expect(verdictOf(run({ ...unassigned, events: [livenessEvent('liveness: session up', before(500))] }))).toBe('stale-session');
  });

  it('judges a peer that warned and whose cause is gone: recovering by what proves it', () => {
    const unreachable = run({ events: throttledWarnings([PEER], 60, 0) });
    expect(unreachable.peers[0]).toMatchObject({
      verdict: 'recovering',
      since: before(0),
      details: {
        cleared: {
          by: 'cause-gone',
          text: `sends failed with "network is unreachable" (source not assigned, or doublezero0 down); now doublezero0 is up and ${LOCAL_IP} is assigned: the cause is gone`,
        },
      },
    });
    // a daemon that does not log the local IP: the same error, with the interface up and routed, is the stale source itself
    expect(verdictOf(run({ events: throttledWarnings([PEER], 60, 0, { localIP: undefined }) }))).toBe('stale-session');
    for (const error of ['write udp: interface "doublezero0" not found', 'sendmsg: no such device', 'route ip+net: no such network interface']) {
      const back = run({ events: throttledWarnings([PEER], 60, 0, { error }) });
      expect(back.peers[0]?.details.cleared).toEqual({
        by: 'interface-back',
        at: before(0),
        text: `doublezero0 exists again: the cause of "${error}" is gone`,
      });
    }
    const other = run({ events: throttledWarnings([PEER], 60, 0, { error: 'sendmsg: operation not permitted' }) });
    expect(other.peers[0]).toMatchObject({ verdict: 'unknown', since: before(60) });
    expect(other.peers[0]?.evidence[0]).toBe('send warnings continue but no cause is visible on the node (it may lie outside it)');
  });

  it('is recovering after a restart, saying how the start was known', () => {
    const restarted = run({
      ...unassigned,
      events: [...throttledWarnings([PEER], 300, 100), livenessEvent('liveness: manager starting', before(90), { peerIP: undefined })],
    });
    expect(restarted.peers[0]?.details.cleared).toEqual({
      by: 'daemon-restarted',
      at: before(90),
      text: `the daemon restarted at ${before(90)} (journal: manager starting): this session no longer exists`,
    });
    const stopped = run({
      ...unassigned,
      events: throttledWarnings([PEER], 300, 100),
      daemon: { unitState: 'inactive', sessions: null, version: null, unit: null, status: null },
    });
    expect(stopped.peers[0]).toMatchObject({
      verdict: 'recovering',
      details: { cleared: { by: 'daemon-restarted', at: null, text: 'the daemon is inactive: this session no longer exists' } },
    });
    expect(stopped.peers[0]?.evidence).toContain('doublezerod is inactive (systemctl is-active)');
  });

  it('forgets a session of an earlier process that did not warn in the window', () => {
    const d = run({ events: [sendWarning(before(2000)), livenessEvent('liveness: manager starting', before(1000), { peerIP: undefined })] });
    expect(d.peers).toEqual([]);
  });

  it('keeps the first failure as the start of a failing verdict', () => {
    const d = run({ ...unassigned, events: throttledWarnings([PEER], 100, 0) });
    expect(d.peers[0]).toMatchObject({ verdict: 'stale-session', since: before(100) });
    expect(run({ events: [livenessEvent('liveness: session up', before(10))] }).peers[0]).toMatchObject({ verdict: 'healthy', since: null });
  });
});

describe('diagnose: the window', () => {
  it('counts warnings from the start of the window to the collection, both ends included', () => {
    const events = [sendWarning(before(900)), sendWarning(before(450)), sendWarning(before(0)), sendWarning(before(901)), sendWarning(before(-1))];
    const d = run({ ...unassigned, events });
    expect(d.peers[0]).toMatchObject({ warnings: 3, lastWarningAt: before(-1) });
    expect(d.peers[0]?.details.warnings).toMatchObject({ count: 3, windowStart: before(900), windowEnd: COLLECTED_AT, lastAt: before(-1) });
    expect(d.warningsInWindow).toBe(3);
  });

  it('takes the window length from the options', () => {
    const d = run({ ...unassigned, events: [sendWarning(before(100)), sendWarning(before(30))] }, { windowMs: 60_000 });
    expect(d.peers[0]?.warnings).toBe(1);
  });

  it('merges the events of earlier polls by dedupe key', () => {
    const w = sendWarning(before(30));
    const d = run({ ...unassigned, events: [w] }, { earlierEvents: [w, { ...w, at: before(40), dedupeKey: 'other' }] });
    expect(d.peers[0]?.warnings).toBe(2);
  });
});

describe('diagnose: peers', () => {
  it('lets the worst session speak for a peer, counting every session in its warnings', () => {
    const events = [livenessEvent('liveness: session up', before(500), { localIP: '203.0.113.10' }), ...throttledWarnings([PEER], 20, 0)];
    const d = run({
      ...unassigned,
      addresses: [address('doublezero0', '203.0.113.10')],
      events: [...events, sendWarning(before(2), { localIP: '203.0.113.10', error: 'x' })],
    });
    expect(d.peers).toHaveLength(1);
    expect(d.peers[0]).toMatchObject({ verdict: 'stale-session', localIP: LOCAL_IP, warnings: 6, lastWarningAt: before(0) });
    expect(d.peers[0]?.details.otherSessions).toEqual([{ interface: 'doublezero0', localIP: '203.0.113.10', verdict: 'unknown' }]);
    expect(d.peers[0]?.evidence.at(-1)).toBe(`other session doublezero0 203.0.113.10 -> ${PEER}: unknown`);
  });

  it("takes a peer's last warning from all its sessions, whichever was seen first", () => {
    const events = [
      livenessEvent('liveness: session up', before(500), { localIP: '203.0.113.10' }),
      sendWarning(before(40), { localIP: '203.0.113.10', error: 'x' }),
      sendWarning(before(1), { localIP: '203.0.113.10', error: 'x' }),
      ...throttledWarnings([PEER], 30, 10),
    ];
    const d = run({ ...unassigned, addresses: [address('doublezero0', '203.0.113.10')], events });
    expect(d.peers[0]).toMatchObject({ verdict: 'stale-session', lastWarningAt: before(1), warnings: 7 });
    expect(d.peers[0]?.details.warnings.lastError).toBe('x');
  });

  it('says in the evidence how many sessions the throttled log named failing', () => {
    const peers = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];
    const d = run({ ...unassigned, events: throttledWarnings(peers, 60, 0) });
    expect(d.peers[0]?.evidence.at(-1)).toContain('with ≥ 3 failing sessions a peer appears about every 15 s');
    const one = run({ ...unassigned, events: throttledWarnings([PEER], 60, 0) });
    expect(one.peers[0]?.evidence.at(-1)).toContain('with 1 failing session a peer appears about every 5 s');
  });

  it('names a session without a logged local IP as such among the others', () => {
    const events = [...throttledWarnings([PEER], 20, 0), livenessEvent('liveness: session up', before(30), { localIP: undefined })];
    const d = run({ ...unassigned, events });
    expect(d.peers[0]?.evidence.at(-1)).toBe(`other session doublezero0 (no localIP) -> ${PEER}: healthy`);
  });

  it('puts the worst peers first, then orders peers by address as numbers', () => {
    // seen in the order .100, .9, .10: neither the order seen nor the text order is the answer
    const peers = ['198.51.100.100', '198.51.100.9', '198.51.100.10'];
    const events = [
      ...peers.map((p, i) => livenessEvent('liveness: session up', before(500 - i), { peerIP: p })),
      ...throttledWarnings(['198.51.100.10'], 20, 0, { localIP: '203.0.113.99' }),
    ];
    const d = run({ events });
    expect(d.peers.map((p) => [p.peer, p.verdict])).toEqual([
      ['198.51.100.10', 'stale-session'],
      ['198.51.100.9', 'healthy'],
      ['198.51.100.100', 'healthy'],
    ]);
  });
});

describe('diagnose: the node as a whole', () => {
  it('is unknown as a whole without fresh data, giving the poll as evidence', () => {
    const stale = pollFreshness({ state: 'ok', lastSuccessAt: before(120) }, new Date(COLLECTED_AT));
    const d = run({ ...unassigned, events: throttledWarnings([PEER], 20, 0) }, { freshness: stale });
    expect(d).toMatchObject({ nodeUnknown: 'last successful poll 120 s ago', worst: 'unknown', findings: [] });
    expect(d.peers[0]).toMatchObject({ verdict: 'unknown', since: null, evidence: ['no fresh data for the node: last successful poll 120 s ago'] });
    expect(d.peers[0]?.details.poll).toEqual({ state: 'ok', lastSuccessAt: before(120), ageSeconds: 120, error: 'last successful poll 120 s ago' });
    const bare = run({ events: [livenessEvent('liveness: session up', before(10))] }, { freshness: { fresh: false, reason: null, ageSeconds: null } });
    expect(bare.nodeUnknown).toBe('no fresh data');
    expect(bare.peers[0]?.details.poll).toEqual({ state: 'unknown', lastSuccessAt: null, ageSeconds: null, error: 'no fresh data' });
    expect(run({}, { freshness: { fresh: true, reason: null, ageSeconds: 1 } }).nodeUnknown).toBeNull();
  });

  it('is unknown when a required section is missing, and not when it was only truncated', () => {
    const sections = { ...nodeState().sections, 'ip-rule': 'failed' as const, 'ip-route': 'missing' as const };
    const d = run({ sections, events: [livenessEvent('liveness: session up', before(10))] });
    expect(d.nodeUnknown).toBe('cannot check: ip-route, ip-rule not collected');
    expect(d.peers[0]?.details).toMatchObject({ missingSections: ['ip-route', 'ip-rule'] });
    expect(d.peers[0]?.details.poll).toBeUndefined();
    expect(run({ sections: { ...nodeState().sections, 'ip-route': 'truncated' } }).nodeUnknown).toBeNull();
  });

  it('finds the daemon not running unless it is active or reloading', () => {
    for (const unitState of ['active', 'reloading', null] as const) {
      expect(run({ daemon: { unitState, sessions: null, version: null, unit: null, status: null } }).findings).toEqual([]);
    }
    const failed = run({ daemon: { unitState: 'failed', sessions: null, version: null, unit: null, status: null } });
    expect(failed.findings).toEqual([
      {
        kind: 'daemon-not-running',
        verdict: 'unknown',
        interface: null,
        summary: 'doublezerod is failed: no liveness session runs',
        evidence: ['systemctl is-active doublezerod: failed'],
      },
    ]);
    expect(failed.worst).toBe('unknown');
  });

  it('says doublezero0 is up only when it is up with its carrier', () => {
    expect(run({}).doublezero0).toBe('up');
    expect(run({ links: [link('doublezero0', { lowerUp: false })] }).doublezero0).toBe('down');
    expect(run({ links: [link('doublezero0', { up: false })] }).doublezero0).toBe('down');
    expect(run({ links: [] }).doublezero0).toBe('missing');
  });

  it('notes a reloading daemon in each verdict', () => {
    const d = run({
      events: [livenessEvent('liveness: session up', before(10))],
      daemon: { unitState: 'reloading', sessions: null, version: null, unit: null, status: null },
    });
    expect(d.peers[0]?.evidence.at(-1)).toBe('doublezerod is reloading (systemctl is-active)');
  });

  it('lists the known upstream bug behind a stale local IP on an affected version', () => {
    const d = run({
      ...unassigned,
      events: throttledWarnings([PEER], 20, 0),
      daemon: { unitState: 'active', sessions: null, version: '0.8.0', unit: null, status: null },
    });
    expect(d.knownIssues.map((k) => [k.match, k.explains])).toEqual([['affected', ['stale-local-ip']]]);
    expect(run({}).knownIssues).toEqual([]);
  });

  it('passes the daemon facts through', () => {
    const d = run({ events: [sendWarning(before(3))], daemon: { unitState: 'active', sessions: null, version: '0.8.3', unit: null, status: null } });
    expect(d.daemon).toEqual({ version: '0.8.3', pid: null, startedAt: null, startedAtSource: null, unitState: 'active', lastSendWarningAt: before(3) });
    expect(d).toMatchObject({ node: 'dfw-mn-bm1', collectedAt: COLLECTED_AT });
  });
});
