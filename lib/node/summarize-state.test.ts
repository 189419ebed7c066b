import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import { diagnose } from '@/lib/diagnosis/diagnose';
import { normalizeBundle } from '@/lib/model/normalize';
import { buildPeerGrid, gridInputFromDiagnosis, ownIpsFromFacts } from '../peers/peer-grid-build';
import { buildNodeTables, summarizeState } from './summarize-state';
import { verdicts } from '../diagnosis/verdict-schema';

// Real captures from network namespaces (fixtures/bundles, see its README): one per verdict.
const fixture = async (name: string) => normalizeBundle(await loadBundleFolder(path.join(__dirname, '..', '..', 'fixtures', 'bundles', name)));

describe('summarizeState', () => {
  it('reads doublezero0, its addresses and the routes learned through it', async () => {
    const facts = summarizeState(await fixture('healthy'));
    expect(facts.link).toBe('up');
    expect(facts.dz0Addresses.length).toBeGreaterThan(0);
    expect(facts.dz0Routes).toBeGreaterThan(0);
  });
  it('sees doublezero0 missing and down', async () => {
    expect(summarizeState(await fixture('interface-missing'))).toMatchObject({ link: 'missing', dz0Addresses: [], dz0Routes: 0 });
    expect(summarizeState(await fixture('interface-down')).link).toBe('down');
  });
  it('shows the seed state: the allocated /32 is gone from doublezero0', async () => {
    const healthy = summarizeState(await fixture('healthy'));
    const stale = summarizeState(await fixture('stale-session'));
    expect(healthy.dz0Addresses).toContain('209.245.225.161/32');
    expect(stale.dz0Addresses).not.toContain('209.245.225.161/32');
  });
});

describe('buildNodeTables', () => {
  it('lists interfaces, addresses and routes of every table', async () => {
    const t = buildNodeTables(await fixture('healthy'));
    expect(t.interfaces.map((i) => i.ifname)).toContain('doublezero0');
    expect(t.addresses.some((a) => a.ifname === 'doublezero0')).toBe(true);
    expect(new Set(t.routes.map((r) => r.table))).toContain('local');
    expect(t.routes.every((r) => r.text.length > 0)).toBe(true);
  });
});

describe('buildPeerGrid', () => {
  it('places each node × peer verdict and links a peer address to the fleet node that owns it', async () => {
    const seed = await fixture('stale-session');
    const ok = await fixture('healthy');
    const grid = buildPeerGrid(
      [
        gridInputFromDiagnosis('dfw-mn-bm1', seed, diagnose(seed), true),
        gridInputFromDiagnosis('other', ok, { ...diagnose(ok), peers: [] }, true),
        gridInputFromDiagnosis('dead', null, null, false),
      ],
      '2025-11-30T19:40:00.000Z',
      false,
    );
    expect(grid.rows.map((r) => r.name)).toEqual(['dfw-mn-bm1', 'other', 'dead']);
    // A node with nothing fresh has no cells, but its row says it is unknown rather than looking empty.
    expect(grid.rows.map((r) => r.fresh)).toEqual([true, true, false]);
    const col = grid.cols.findIndex((c) => c.ip === '216.238.110.55');
    expect(col).toBeGreaterThanOrEqual(0);
    const cell = grid.cells.find(([r, c]) => r === 0 && c === col);
    expect(cell && verdicts[cell[2]]).toBe('stale-session');
    expect(cell?.[3]).toBeGreaterThan(0);
  });
  it('shows a node whose poll is not fresh as unknown, never its last verdict', async () => {
    const seed = await fixture('stale-session');
    const grid = buildPeerGrid([gridInputFromDiagnosis('dfw-mn-bm1', seed, diagnose(seed), false)], 'x', false);
    expect(grid.cells.every(([, , v]) => verdicts[v] === 'unknown')).toBe(true);
  });
  it('finds the same own addresses in the stored fleet facts as in the state (live grids read only the facts)', async () => {
    for (const name of ['healthy', 'stale-session', 'interface-missing']) {
      const state = await fixture(name);
      expect(ownIpsFromFacts(summarizeState(state).dz0Addresses)).toEqual(gridInputFromDiagnosis('n', state, null, true).ownIps);
    }
    expect(ownIpsFromFacts(['169.254.0.1/31', '209.245.225.161/32', 'fe80::1/64'])).toEqual(['209.245.225.161']);
  });
});
