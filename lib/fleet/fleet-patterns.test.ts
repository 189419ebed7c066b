import { describe, expect, it } from 'vitest';
import type { FleetRow, FleetRowSignals } from './fleet';
import { buildFleetChecks } from './fleet-checks';
import { fleetHeadline, isNewProblem, newProblemWindowMs, patternLinesPerKind } from './fleet-patterns';
import { filterFleet, parseFleetView } from './fleet-view';
import type { Verdict } from '../diagnosis/verdict-schema';

const asOf = '2026-12-01T12:00:00.000Z';
const minutesAgo = (m: number) => new Date(Date.parse(asOf) - m * 60_000).toISOString();

function row(
  name: string,
  opts: { site?: string | null; verdict?: Verdict | null; since?: string | null; poll?: FleetRow['poll']['state']; signals?: Partial<FleetRowSignals> } = {},
): FleetRow {
  const worstVerdict = opts.verdict === undefined ? 'healthy' : opts.verdict;
  const pollState = opts.poll ?? 'ok';
  return {
    name,
    site: opts.site === undefined ? null : opts.site,
    tags: [],
    poll: { state: pollState, lastPollAt: null, lastSuccessAt: null, dataAgeMs: 1_000, pollMs: 10, error: null },
    collectedAt: null,
    link: 'up',
    warnings15m: 0,
    worstVerdict,
    worstSince: opts.since ?? null,
    checks: buildFleetChecks({ poll: { state: pollState, dataAgeMs: 1_000, pollAgeMs: 1_000, errorMessage: null }, facts: null, warnings15m: 0, worstVerdict }),
    signals: { daemonVersion: null, knownIssues: [], peerFaults: [], ...opts.signals },
  };
}

describe('fleet headline: counts and new problems', () => {
  it('counts nodes by worst verdict, worst first, and nodes without a liveness peer as none', () => {
    const h = fleetHeadline(
      [
        row('a', { verdict: 'healthy' }),
        row('b', { verdict: 'stale-session' }),
        row('c', { verdict: 'healthy' }),
        row('d', { verdict: 'recovering' }),
        row('e', { verdict: null }),
        row('f', { verdict: 'interface-missing' }),
        row('g', { verdict: 'unknown' }),
      ],
      asOf,
    );
    expect(h.total).toBe(7);
    expect(h.counts).toEqual([
      { verdict: 'interface-missing', nodes: 1 },
      { verdict: 'stale-session', nodes: 1 },
      { verdict: 'unknown', nodes: 1 },
      { verdict: 'recovering', nodes: 1 },
      { verdict: 'healthy', nodes: 2 },
      { verdict: 'none', nodes: 1 },
    ]);
  });

  it('lists failing verdicts that began in the last 15 minutes, newest first; recovering, old and future ones are not new', () => {
    const rows = [
      row('old', { verdict: 'no-route', since: minutesAgo(16) }),
      row('edge', { verdict: 'no-route', since: minutesAgo(15) }),
      row('fresh', { verdict: 'stale-session', since: minutesAgo(1) }),
      row('mid', { verdict: 'interface-down', since: minutesAgo(7) }),
      row('recovering', { verdict: 'recovering', since: minutesAgo(2) }),
      row('unknown', { verdict: 'unknown', since: minutesAgo(2) }),
      row('future', { verdict: 'no-route', since: new Date(Date.parse(asOf) + 60_000).toISOString() }),
      row('no-since', { verdict: 'no-route', since: null }),
    ];
    expect(fleetHeadline(rows, asOf).newProblems).toEqual(['fresh', 'mid', 'edge']);
    expect(newProblemWindowMs).toBe(15 * 60_000);
    // The grid's `new=1` filter shows exactly those nodes.
    expect(
      filterFleet(rows, parseFleetView({ new: '1' }), asOf)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['edge', 'fresh', 'mid']);
    expect(isNewProblem(rows[0]!, asOf)).toBe(false);
  });
});

describe('fleet headline: patterns', () => {
  it('one peer failing from many nodes is a pattern, with the filter that shows those nodes', () => {
    const rows = [
      row('a', { verdict: 'no-route', signals: { peerFaults: ['10.0.0.9', '10.0.0.7'] } }),
      row('b', { verdict: 'no-route', signals: { peerFaults: ['10.0.0.9'] } }),
      row('c', { verdict: 'firewall-blocked', signals: { peerFaults: ['10.0.0.9', '10.0.0.7'] } }),
      row('d', { verdict: 'healthy' }),
    ];
    const h = fleetHeadline(rows, asOf);
    expect(h.patterns).toEqual([{ kind: 'peer', peer: '10.0.0.9', nodes: ['a', 'b', 'c'], filter: { peer: '10.0.0.9' } }]);
    // two nodes are not "many": 10.0.0.7 is no pattern
    expect(filterFleet(rows, parseFleetView(h.patterns[0]!.filter)).map((r) => r.name)).toEqual(['a', 'b', 'c']);
  });

  it('every node of a site failing (or unreadable) is a pattern; a site with one healthy, recovering or never-polled node is not', () => {
    const rows = [
      row('dfw-1', { site: 'dfw', verdict: 'stale-session' }),
      row('dfw-2', { site: 'dfw', verdict: 'no-route' }),
      row('dfw-3', { site: 'dfw', verdict: 'unknown', poll: 'error' }),
      row('ams-1', { site: 'ams', verdict: 'no-route' }),
      row('ams-2', { site: 'ams', verdict: 'healthy' }),
      row('fra-1', { site: 'fra', verdict: 'no-route' }),
      row('fra-2', { site: 'fra', verdict: 'recovering' }),
      row('sin-1', { site: 'sin', verdict: 'unknown', poll: 'pending' }),
      row('sin-2', { site: 'sin', verdict: 'unknown', poll: 'pending' }),
      row('lax-1', { site: 'lax', verdict: 'interface-down' }),
    ];
    const h = fleetHeadline(rows, asOf);
    expect(h.patterns).toEqual([
      {
        kind: 'site',
        site: 'dfw',
        nodes: ['dfw-1', 'dfw-2', 'dfw-3'],
        verdicts: [
          { verdict: 'stale-session', nodes: 1 },
          { verdict: 'no-route', nodes: 1 },
          { verdict: 'unknown', nodes: 1 },
        ],
        filter: { site: 'dfw' },
      },
    ]);
  });

  it('one daemon version sharing a known issue is a pattern naming the issue, its fix and how many nodes run that version', () => {
    const issue = { knownIssues: ['doublezero-2320'] };
    const rows = [
      row('a', { verdict: 'stale-session', signals: { daemonVersion: '0.8.0', ...issue } }),
      row('b', { verdict: 'stale-session', signals: { daemonVersion: '0.8.0', ...issue } }),
      row('c', { verdict: 'healthy', signals: { daemonVersion: '0.8.0' } }),
      row('d', { verdict: 'stale-session', signals: { daemonVersion: '0.7.1', ...issue } }),
      row('e', { verdict: 'stale-session', signals: { daemonVersion: null, ...issue } }),
    ];
    const h = fleetHeadline(rows, asOf);
    expect(h.patterns).toEqual([
      {
        kind: 'version',
        version: '0.8.0',
        issue: { id: 'doublezero-2320', title: 'Liveness sessions of a vanished allocated IP are not withdrawn on disconnect', fixedIn: 'v0.8.1' },
        nodes: ['a', 'b'],
        nodesOnVersion: 3,
        filter: { version: '0.8.0', issue: 'doublezero-2320' },
      },
    ]);
    expect(filterFleet(rows, parseFleetView(h.patterns[0]!.filter)).map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('shows the biggest patterns of each kind first and counts the ones left out', () => {
    const peers = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'];
    // node i fails to peers[0..i]: peer 1 from 5 nodes ... peer 5 from 1 node
    const rows = peers.map((_, i) => row(`n${i}`, { verdict: 'no-route', signals: { peerFaults: peers.slice(0, peers.length - i) } }));
    const h = fleetHeadline(rows, asOf);
    expect(h.patterns.map((p) => (p.kind === 'peer' ? `${p.peer}:${p.nodes.length}` : p.kind))).toEqual(['10.0.0.1:5', '10.0.0.2:4', '10.0.0.3:3']);
    expect(patternLinesPerKind).toBe(3);
    expect(h.omitted).toEqual({ peer: 0, site: 0, version: 0 });
    const more = [...rows, ...rows.map((r) => ({ ...r, name: `${r.name}b` }))];
    expect(fleetHeadline(more, asOf).omitted.peer).toBe(1); // peer 4 now fails from 4 nodes too; peer 5 from 2
  });

  it('rows without signals (an older server) still give counts and site patterns', () => {
    const rows = [row('x-1', { site: 'x', verdict: 'no-route' }), row('x-2', { site: 'x', verdict: 'no-route' })].map(({ signals: _signals, ...r }) => r);
    const h = fleetHeadline(rows, asOf);
    expect(h.patterns.map((p) => p.kind)).toEqual(['site']);
    expect(filterFleet(rows, parseFleetView({ peer: '10.0.0.1' }))).toEqual([]);
  });
});
