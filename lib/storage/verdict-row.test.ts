import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import { diagnose } from '@/lib/diagnosis/diagnose';
import { normalizeBundle } from '@/lib/model/normalize';
import { restateAt, stableVerdictText } from './verdict-row';

// Real captures (fixtures/bundles): the same node diagnosed twice with the same log.
const at = async (name: string, iso: string) => {
  const b = await loadBundleFolder(path.join(__dirname, '..', '..', 'fixtures', 'bundles', name));
  return diagnose(normalizeBundle({ ...b, meta: { ...b.meta, collectedAt: iso } }));
};

describe('stored verdict rows', () => {
  for (const name of ['stale-session', 'firewall-blocked', 'healthy', 'upstream-restarted']) {
    it(`${name}: the stable text ignores the moving window; restating at the later poll gives that poll's verdict`, async () => {
      // 1 ms apart: the window's end (in the evidence text) moves, but no warning of these captures (one per
      // 5 s for the whole daemon) can leave the window, which would rightly change the count
      const t0 = '2026-11-26T04:51:08.446Z';
      const t1 = '2026-11-26T04:51:08.447Z';
      const [a, b] = [await at(name, t0), await at(name, t1)];
      expect(a.peers.length).toBeGreaterThan(0);
      a.peers.forEach((p, i) => {
        const q = b.peers[i]!;
        expect(stableVerdictText(p, p.since)).toBe(stableVerdictText(q, q.since));
        expect(restateAt(p, t0, t1)).toEqual(q);
      });
    });
  }

  it('any other difference changes the stable text', async () => {
    const [p] = (await at('stale-session', '2026-11-26T04:51:08.446Z')).peers;
    const base = stableVerdictText(p!, p!.since);
    expect(stableVerdictText({ ...p!, warnings: p!.warnings + 1 }, p!.since)).not.toBe(base);
    expect(stableVerdictText({ ...p!, evidence: [...p!.evidence, 'x'] }, p!.since)).not.toBe(base);
    expect(stableVerdictText(p!, '2026-11-26T04:00:00.000Z')).not.toBe(base);
    expect(stableVerdictText({ ...p!, details: { ...p!.details, missingAddress: '10.0.0.1' } }, p!.since)).not.toBe(base);
  });
});
