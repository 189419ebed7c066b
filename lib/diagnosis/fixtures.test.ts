import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundleFolder } from '../bundle/folder';
import { normalizeBundle } from '../model/normalize';
import { diagnose } from './diagnose';

// Bundles captured from real network namespaces by scripts/capture-fixtures/capture.sh
// (see fixtures/bundles/README.md): one per verdict, plus the seed's exact line.
const root = path.join(__dirname, '..', '..', 'fixtures', 'bundles');

async function diagnoseFixture(name: string) {
  const state = normalizeBundle(await loadBundleFolder(path.join(root, name)));
  expect(state.issues).toEqual([]);
  return diagnose(state);
}
const verdicts = (d: Awaited<ReturnType<typeof diagnoseFixture>>) => Object.fromEntries(d.peers.map((p) => [p.peer, p.verdict]));

describe('real-capture fixtures', () => {
  it('healthy: both sessions up, nothing blocks, no warning', async () => {
    const d = await diagnoseFixture('healthy');
    expect(verdicts(d)).toEqual({ '216.238.110.55': 'healthy', '198.18.7.55': 'healthy' });
    expect(d.doublezero0).toBe('up');
    expect(d.peers.every((p) => p.warnings === 0)).toBe(true);
  });

  it('interface-missing: doublezero0 deleted, the kernel answered ENETUNREACH', async () => {
    const d = await diagnoseFixture('interface-missing');
    expect(verdicts(d)).toEqual({ '216.238.110.55': 'interface-missing', '198.18.7.55': 'interface-missing' });
    expect(d.doublezero0).toBe('missing');
    expect(d.peers[0]?.details.link).toEqual({ ifname: 'doublezero0', present: false });
    expect(d.peers[0]?.warnings).toBeGreaterThanOrEqual(2);
  });

  it('interface-down: doublezero0 set down', async () => {
    const d = await diagnoseFixture('interface-down');
    expect(verdicts(d)).toEqual({ '216.238.110.55': 'interface-down', '198.18.7.55': 'interface-down' });
    expect(d.peers[0]?.details.link).toMatchObject({ up: false, operstate: 'DOWN' });
  });

  it('stale-session: the seed scenario, old sessions from the removed /32 next to the new ones', async () => {
    const d = await diagnoseFixture('stale-session');
    expect(verdicts(d)).toEqual({ '216.238.110.55': 'stale-session', '198.18.7.55': 'stale-session' });
    const peer = d.peers.find((p) => p.peer === '216.238.110.55')!;
    expect(peer).toMatchObject({ interface: 'doublezero0', localIP: '209.245.225.161' });
    expect(peer.details.missingAddress).toBe('209.245.225.161');
    expect(peer.details.otherSessions).toEqual([{ interface: 'doublezero0', localIP: '203.0.113.10', verdict: 'healthy' }]);
    expect(peer.warnings).toBeGreaterThanOrEqual(2);
    expect(peer.evidence.join('\n')).toContain('sendmsg: network is unreachable');
  });

  it('no-route: the BGP routes withdrawn', async () => {
    const d = await diagnoseFixture('no-route');
    expect(verdicts(d)).toEqual({ '216.238.110.55': 'no-route', '198.18.7.55': 'no-route' });
    expect(d.peers[0]?.details.route).toMatchObject({ ok: false, failure: 'no-route' });
  });

  it('firewall-blocked: the nft drop rule with its handle, and the other peer healthy', async () => {
    const d = await diagnoseFixture('firewall-blocked');
    expect(verdicts(d)).toEqual({ '216.238.110.55': 'firewall-blocked', '198.18.7.55': 'healthy' });
    const peer = d.peers.find((p) => p.peer === '216.238.110.55')!;
    expect(peer.details.firewall).toMatchObject({
      known: true,
      verdict: 'drop',
      rule: { family: 'inet', table: 'filter', chain: 'output', handle: 2, text: 'ip daddr 216.238.110.55 udp dport 44880 counter drop comment "block liveness to one peer"' },
    });
    expect(peer.details.warnings.lastError).toContain('sendmsg: operation not permitted');
  });

  it("seed-line: the seed report's exact journal line gives stale-session with its time", async () => {
    const d = await diagnoseFixture('seed-line');
    expect(d.node).toBe('dfw-mn-bm1');
    // one warning at 19:36:22, then silence until 19:40: the daemon would have logged one every 5 s had any
    // session still failed, so the seed's session is recovering (gone), not failing (docs/doublezerod-model.md)
    expect(d.peers.find((p) => p.peer === '216.238.110.55')).toMatchObject({ interface: 'doublezero0', localIP: '209.245.225.161', verdict: 'recovering', warnings: 1, lastWarningAt: '2025-11-30T19:36:22.662Z', details: { cleared: { by: 'daemon-quiet' } } });
  });
});
