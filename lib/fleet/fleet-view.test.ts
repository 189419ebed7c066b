import { describe, expect, it } from 'vitest';
import type { FleetRow } from './fleet';
import { facetValues, filterFleet, fleetViewToParams, parseFleetView, sortFleet } from './fleet-view';
import { buildFleetChecks } from './fleet-checks';
import type { Verdict } from '../diagnosis/verdict-schema';

function row(name: string, site: string, tags: string[], worstVerdict: Verdict | null, warnings15m = 0, worstSince: string | null = null): FleetRow {
  const poll = { state: 'ok' as const, dataAgeMs: 1_000, pollAgeMs: 1_000, errorMessage: null };
  return {
    name,
    site,
    tags,
    poll: { state: 'ok', lastPollAt: null, lastSuccessAt: null, dataAgeMs: 1_000, pollMs: 10, error: null },
    collectedAt: null,
    link: 'up',
    warnings15m,
    worstVerdict,
    worstSince,
    checks: buildFleetChecks({ poll, facts: { link: 'up', daemonActive: 'active', dz0Addresses: ['a'], dz0Routes: 1 }, warnings15m, worstVerdict }),
  };
}

const rows = [
  row('dfw-mn-bm1', 'dfw', ['mainnet'], 'stale-session', 180),
  row('ams-1', 'ams', ['testnet', 'edge'], 'healthy'),
  row('fra-2', 'fra', ['mainnet'], 'unknown', 2),
];

describe('fleet view state', () => {
  it('reads defaults and ignores invalid values instead of failing the page', () => {
    expect(parseFleetView({ sort: 'bogus', verdict: 'nope', dir: 'sideways' })).toMatchObject({ sort: 'name', verdict: '', dir: 'asc' });
  });
  it('round-trips through search params, leaving defaults out', () => {
    const view = parseFleetView({ q: 'dfw', verdict: 'stale-session', sort: 'warnings', dir: 'desc' });
    const params = fleetViewToParams(view);
    expect(params.toString()).toBe('q=dfw&verdict=stale-session&sort=warnings&dir=desc');
    expect(parseFleetView(Object.fromEntries(params))).toEqual(view);
  });
  it('filters by search, site, tag and verdict', () => {
    expect(filterFleet(rows, parseFleetView({ q: 'DFW' })).map((r) => r.name)).toEqual(['dfw-mn-bm1']);
    expect(filterFleet(rows, parseFleetView({ tag: 'mainnet' })).map((r) => r.name)).toEqual(['dfw-mn-bm1', 'fra-2']);
    expect(filterFleet(rows, parseFleetView({ site: 'ams' })).map((r) => r.name)).toEqual(['ams-1']);
    expect(filterFleet(rows, parseFleetView({ verdict: 'unknown' })).map((r) => r.name)).toEqual(['fra-2']);
  });
  it('sorts by since: newest problem first on desc, healthy and undated rows last', () => {
    const dated = [
      row('old-problem', 'a', [], 'stale-session', 0, '2025-11-30T18:00:00Z'),
      row('healthy-1', 'a', [], 'healthy', 0, '2025-11-30T19:39:00Z'),
      row('new-problem', 'a', [], 'no-route', 0, '2025-11-30T19:30:00Z'),
      row('recovering-1', 'a', [], 'recovering', 0, '2025-11-30T19:35:00Z'),
    ];
    expect(sortFleet(dated, 'since', 'desc').map((r) => r.name)).toEqual(['recovering-1', 'new-problem', 'old-problem', 'healthy-1']);
    expect(parseFleetView({ sort: 'since', dir: 'desc' })).toMatchObject({ sort: 'since', dir: 'desc' });
  });
  it('shows recovering apart from red and green: a warn cell, not a fail', () => {
    expect(row('r', 'a', [], 'recovering').checks.verdict).toMatchObject({ status: 'warn', label: 'recovering' });
    expect(row('s', 'a', [], 'stale-session').checks.verdict).toMatchObject({ status: 'fail' });
  });
  it('sorts worst first on desc, with unknown between healthy and a fault', () => {
    expect(sortFleet(rows, 'verdict', 'desc').map((r) => r.name)).toEqual(['dfw-mn-bm1', 'fra-2', 'ams-1']);
    expect(sortFleet(rows, 'warnings', 'desc').map((r) => r.name)).toEqual(['dfw-mn-bm1', 'fra-2', 'ams-1']);
    expect(sortFleet(rows, 'name', 'asc').map((r) => r.name)).toEqual(['ams-1', 'dfw-mn-bm1', 'fra-2']);
  });
  it('filters by the header patterns: no liveness peer (none), peer fault, version, known issue; all in the URL', () => {
    const signalled: FleetRow[] = [
      { ...row('a', 'x', [], 'no-route'), signals: { daemonVersion: '0.8.0', knownIssues: ['doublezero-2320'], peerFaults: ['10.0.0.9'] } },
      { ...row('b', 'x', [], null), signals: { daemonVersion: '0.8.3', knownIssues: [], peerFaults: [] } },
    ];
    expect(filterFleet(signalled, parseFleetView({ verdict: 'none' })).map((r) => r.name)).toEqual(['b']);
    expect(filterFleet(signalled, parseFleetView({ peer: '10.0.0.9' })).map((r) => r.name)).toEqual(['a']);
    expect(filterFleet(signalled, parseFleetView({ version: '0.8.3' })).map((r) => r.name)).toEqual(['b']);
    expect(filterFleet(signalled, parseFleetView({ issue: 'doublezero-2320' })).map((r) => r.name)).toEqual(['a']);
    const view = parseFleetView({ peer: '10.0.0.9', version: '0.8.0', issue: 'doublezero-2320', new: '1', verdict: 'none' });
    expect(parseFleetView(Object.fromEntries(fleetViewToParams(view)))).toEqual(view);
    expect(parseFleetView({ new: 'yes' }).new).toBe('');
  });
  it('lists the sites and tags to filter by', () => {
    expect(facetValues(rows)).toEqual({ sites: ['ams', 'dfw', 'fra'], tags: ['edge', 'mainnet', 'testnet'] });
  });
});
