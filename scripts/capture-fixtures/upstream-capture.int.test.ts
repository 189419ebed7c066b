import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSpecs } from './upstream/fixtures';
import { SEED_ADDRESSES, verdictFixtureSpecs } from './upstream/verdict-fixtures';

// Re-captures the fixtures' kernel sections (root only): the upstream-* ones from a fresh lab, the per-verdict ones
// from namespaces with the seed's addresses. Checks each capture is in its scenario's state and gives the committed
// expected verdicts: the committed kernel sections are reproducible, not hand-made.
const run = promisify(execFile);
const repo = path.join(__dirname, '..', '..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'fnh-upstream-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

async function json<T>(name: string, file: string): Promise<T> {
  return JSON.parse(await readFile(path.join(out, name, file), 'utf8')) as T;
}

type Links = { ifname: string; flags: string[] }[];
type Addrs = { ifname: string; addr_info: { local: string }[] }[];
type Routes = { dst: string; protocol?: string; prefsrc?: string; dev?: string }[];

describe.skipIf(!isRoot)('upstream fixture capture from the lab', () => {
  it('captures every scenario in its state and gives the committed verdicts', { timeout: 300_000 }, async () => {
    await run('npx', ['tsx', 'scripts/capture-fixtures/upstream-fixtures.ts', '--out', out], { cwd: repo, timeout: 280_000 });
    const up = (links: Links, name: string) => links.find((l) => l.ifname === name)?.flags.includes('UP');
    const addrsOn = (addrs: Addrs, name: string) => addrs.find((a) => a.ifname === name)?.addr_info.map((a) => a.local) ?? [];
    const bgp = (routes: Routes) => routes.filter((r) => r.protocol === 'bgp');

    // the seed: the allocated IP is gone, BGP's 200 routes use the public IP as source
    for (const name of ['upstream-throttle-200-stale', 'upstream-restarted']) {
      expect(addrsOn(await json<Addrs>(name, 'ip-addr.json'), 'doublezero0')).not.toContain('198.18.2.1');
      const routes = bgp(await json<Routes>(name, 'ip-route.json'));
      expect(routes).toHaveLength(200);
      expect(new Set(routes.map((r) => r.prefsrc))).toEqual(new Set(['198.18.1.1']));
    }
    expect(addrsOn(await json<Addrs>('upstream-ip-reassigned', 'ip-addr.json'), 'doublezero0')).toContain('198.18.2.1');
    expect(JSON.stringify(await json('upstream-v0.7.0-warnings', 'nft.json'))).toContain('198.18.100.2');
    const mc = await json<Links>('upstream-doublezero1-down', 'ip-link.json');
    expect([up(mc, 'doublezero0'), up(mc, 'doublezero1')]).toEqual([true, false]);
    const mcOnly = await json<Links>('upstream-multicast-only-down', 'ip-link.json');
    expect(mcOnly.map((l) => l.ifname)).not.toContain('doublezero0');
    expect(up(mcOnly, 'doublezero1')).toBe(false);

    // the per-verdict captures, with the seed's addresses
    const { allocatedIp, publicIp } = SEED_ADDRESSES;
    expect(addrsOn(await json<Addrs>('healthy', 'ip-addr.json'), 'doublezero0')).toContain(allocatedIp);
    expect((await json<Links>('interface-missing', 'ip-link.json')).map((l) => l.ifname)).not.toContain('doublezero0');
    expect(up(await json<Links>('interface-down', 'ip-link.json'), 'doublezero0')).toBe(false);
    expect(addrsOn(await json<Addrs>('stale-session', 'ip-addr.json'), 'doublezero0')).not.toContain(allocatedIp);
    expect(new Set(bgp(await json<Routes>('stale-session', 'ip-route.json')).map((r) => r.prefsrc))).toEqual(new Set([publicIp]));
    expect(bgp(await json<Routes>('no-route', 'ip-route.json'))).toEqual([]);
    expect(JSON.stringify(await json('firewall-blocked', 'nft.json'))).toContain(SEED_ADDRESSES.blockedPeer);

    for (const spec of [...fixtureSpecs, ...verdictFixtureSpecs]) {
      const committed = JSON.parse(await readFile(path.join(repo, 'fixtures', 'bundles', spec.name, 'expected.json'), 'utf8')) as {
        peers: unknown;
        findings: unknown;
        worst: unknown;
      };
      const fresh = await json<{ peers: unknown; findings: unknown; worst: unknown }>(spec.name, 'expected.json');
      expect({ name: spec.name, peers: fresh.peers, findings: fresh.findings, worst: fresh.worst }).toEqual({
        name: spec.name,
        peers: committed.peers,
        findings: committed.findings,
        worst: committed.worst,
      });
    }
    const { stdout } = await run('ip', ['netns', 'list']);
    expect(stdout).not.toMatch(/^fnhlab-|^fnhfx-/m);
  });
});
