import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Bundle } from '@/lib/bundle/types';
import type { Inventory } from '@/lib/inventory/schema';
import { nodeDetailSchema } from '@/lib/node/node';
import { parseJournal } from '@/lib/parse/journal';
import { getNode } from './get-node';
import { ingestPoll } from '../../ingest/store/poll';
import { syncInventory } from '../../inventory/store/sync-inventory';
import { openMemoryDb } from '../../../tests/support/memory-db';

// The node page's known issue, end to end through the store: a real-capture bundle of the seed incident
// (stale sessions of a vanished allocated IP) plus the daemon's `-version` output, ingested as a poll;
// the node API then carries the stale-local-ip finding and, on an affected client, upstream issue 2320
// with its durable and immediate fixes.

const fixture = path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', 'stale-session');
let db: Db;
let base: Bundle;

// `doublezerod -version` prints build, version, date (client/doublezerod/cmd/doublezerod/main.go).
const versionOutput = (v: string) => `build: 9f2c1e4\nversion: ${v}\ndate: 2025-11-20T00:00:00Z\n`;

async function pollAs(node: string, version: string | null): Promise<Date> {
  const sections = { ...base.sections };
  if (version !== null) sections['daemon-version'] = { stdout: versionOutput(version), stderr: '', exitCode: 0, truncated: false };
  const bundle: Bundle = { meta: { node, collectedAt: base.meta.collectedAt }, sections };
  const at = new Date(base.meta.collectedAt);
  await ingestPoll(db, { ok: true, node, at, pollMs: 50, bundle, events: parseJournal(sections.journal?.stdout ?? '') });
  return at;
}

beforeAll(async () => {
  db = await openMemoryDb();
  base = await loadBundleFolder(fixture);
  const inv: Inventory = {
    source: 'test',
    nodes: ['old-client', 'fixed-client', 'no-version'].map((name, i) => ({
      name,
      host: `10.0.0.${i + 1}`,
      port: 22,
      user: 'fnh',
      tags: [],
      knownHostsPath: '/k',
      useAgent: true,
      trustOnFirstUse: false,
    })),
  };
  await syncInventory(db, inv);
});
afterAll(async () => {
  await db?.close();
});

describe('known issues on the node page', () => {
  it('client v0.8.0 with a stale local IP: issue 2320 next to the finding, upgrade and restart as fixes', async () => {
    const at = await pollAs('old-client', '0.8.0');
    const node = nodeDetailSchema.parse(await getNode({ name: 'old-client', now: new Date(at.getTime() + 5_000), db }));
    expect(node.findings.map((f) => f.kind)).toContain('stale-local-ip');
    expect(node.knownIssues).toEqual([
      expect.objectContaining({
        id: 'doublezero-2320',
        match: 'affected',
        nodeVersion: '0.8.0',
        affects: 'v0.6.11 – v0.8.0',
        fixedIn: 'v0.8.1',
        explains: ['stale-local-ip'],
        durableFix: 'upgrade the doublezero client to v0.8.1 or later',
        immediate: expect.objectContaining({ action: 'restart-doublezerod', title: 'Restart doublezerod' }),
      }),
    ]);
  });

  it('the same incident on v0.8.1 (the fix) is not attributed to it', async () => {
    const at = await pollAs('fixed-client', '0.8.1');
    const node = await getNode({ name: 'fixed-client', now: new Date(at.getTime() + 5_000), db });
    expect(node.findings.map((f) => f.kind)).toContain('stale-local-ip');
    expect(node.knownIssues).toEqual([]);
  });

  it('without a collected version it is shown as possible, not confirmed', async () => {
    const at = await pollAs('no-version', null);
    const node = await getNode({ name: 'no-version', now: new Date(at.getTime() + 5_000), db });
    expect(node.knownIssues.map((k) => [k.id, k.match])).toEqual([['doublezero-2320', 'version-unknown']]);
  });
});
