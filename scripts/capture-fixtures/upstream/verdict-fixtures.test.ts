import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectedSchema } from './expected';
import { kernelFiles, type KernelFile, type KernelSections } from './kernel';
import { buildVerdictFixture, firewalledSendCount, SEED_ADDRESSES, verdictFixtureSpecs } from './verdict-fixtures';

// The committed per-verdict bundles are exactly what the generator writes from their kernel sections, and their
// kernel sections are in the state each fixture claims (checked on the files, not through our diagnosis).
const BUNDLES = path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles');

function folder(name: string): Record<string, string> {
  const dir = path.join(BUNDLES, name);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

function kernelOf(files: Record<string, string>): KernelSections {
  return Object.fromEntries(Object.keys(kernelFiles).map((f) => [f, files[f] ?? ''])) as Record<KernelFile, string>;
}

const nftCounterSchema = z.object({
  nftables: z.array(
    z
      .object({ rule: z.object({ expr: z.array(z.object({ counter: z.object({ packets: z.number(), bytes: z.number() }) }).partial()) }).optional() })
      .passthrough(),
  ),
});

describe('per-verdict fixture bundles', () => {
  it.each(verdictFixtureSpecs.map((s) => [s.name, s] as const))('%s is exactly what the generator writes from its kernel sections', (_name, spec) => {
    const committed = folder(spec.name);
    const generated = buildVerdictFixture(spec, kernelOf(committed));
    expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) expect(committed[file], `${spec.name}/${file}`).toBe(text);
    expect(expectedSchema.parse(JSON.parse(committed['expected.json'] ?? '')).note).toMatch(
      spec.version ? new RegExp(`v${spec.version.replace(/\./g, '\\.')}`) : /not stated/,
    );
  });

  it('keeps the node names, collection times and addresses the first captures had (other tests read them)', () => {
    const meta = Object.fromEntries(verdictFixtureSpecs.map((s) => [s.name, JSON.parse(folder(s.name)['meta.json'] ?? '') as unknown]));
    expect(meta).toEqual({
      healthy: { node: 'fixture-healthy', collectedAt: '2026-11-26T04:50:24.011Z' },
      'interface-missing': { node: 'fixture-interface-missing', collectedAt: '2026-11-26T04:50:38.830Z' },
      'interface-down': { node: 'fixture-interface-down', collectedAt: '2026-11-26T04:50:53.732Z' },
      'stale-session': { node: 'dfw-mn-bm1', collectedAt: '2026-11-26T04:51:08.446Z' },
      'no-route': { node: 'fixture-no-route', collectedAt: '2026-11-26T04:51:23.209Z' },
      'firewall-blocked': { node: 'fixture-firewall-blocked', collectedAt: '2026-11-26T04:51:38.198Z' },
      'seed-line': { node: 'dfw-mn-bm1', collectedAt: '2025-11-30T19:40:00Z' },
    });
    expect(folder('healthy')['ip-addr.json']).toContain(`"local":"${SEED_ADDRESSES.allocatedIp}"`);
    expect(folder('stale-session')['ip-addr.json']).not.toContain(`"local":"${SEED_ADDRESSES.allocatedIp}"`);
  });

  it('the firewall rule’s counter is the kernel’s own count of the daemon’s refused sends', () => {
    const nft = nftCounterSchema.parse(JSON.parse(folder('firewall-blocked')['nft.json'] ?? ''));
    const counters = nft.nftables.flatMap((e) => e.rule?.expr.flatMap((x) => (x.counter ? [x.counter] : [])) ?? []);
    // 40-byte liveness packets (internal/liveness/packet.go) in UDP in IPv4: 68 bytes each
    expect(counters).toEqual([{ packets: firewalledSendCount(), bytes: 68 * firewalledSendCount() }]);
    expect(firewalledSendCount()).toBeGreaterThan(500);
  });

  it('the seed fixtures carry only the required sections and the journal: what the bundle does not say is not invented', () => {
    for (const name of ['stale-session', 'seed-line']) {
      expect(Object.keys(folder(name)).sort()).toEqual([
        'expected.json',
        'ip-addr.json',
        'ip-link.json',
        'ip-route.json',
        'ip-rule.json',
        'journal.log',
        'meta.json',
        'nft.json',
      ]);
    }
  });
});
