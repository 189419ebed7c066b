import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import type { Inventory, InventoryNode } from '@/lib/inventory/schema';
import { syncInventory } from './sync-inventory';
import { openMemoryDb } from '../../../tests/support/memory-db';

let db: Db;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  await db?.close();
});

const node = (name: string, over: Partial<InventoryNode> = {}): InventoryNode => ({
  name,
  host: '127.0.0.1',
  port: 22,
  user: 'fnh',
  tags: [],
  knownHostsPath: '/k',
  useAgent: false,
  trustOnFirstUse: false,
  ...over,
});
const inventory = (nodes: InventoryNode[]): Inventory => ({ source: 'inventory.yaml', nodes });

it('makes the nodes table match the inventory: new nodes pending, changed ones updated, unlisted ones gone', async () => {
  expect(
    await syncInventory(db, inventory([node('a', { site: 'ams', tags: ['edge'] }), node('b', { proxyJump: { kind: 'node', name: 'a' } }), node('c')])),
  ).toEqual({ upserted: 3, removed: [] });
  // a node that was polled keeps its status through the next sync
  await db.query(`update node_status set state = 'ok', last_poll_at = now() where node = 'a'`);

  expect(await syncInventory(db, inventory([node('a', { host: '10.0.0.1', port: 2222, site: 'fra', tags: ['core', 'x'] }), node('b'), node('d')]))).toEqual({
    upserted: 3,
    removed: ['c'],
  });
  const { rows } = await db.query<{ name: string; host: string; port: number; site: string | null; tags: string[]; proxy_jump: string | null; state: string }>(
    `select n.name, n.host, n.port, n.site, n.tags, n.proxy_jump, s.state from nodes n join node_status s on s.node = n.name order by n.name`,
  );
  expect(rows).toEqual([
    { name: 'a', host: '10.0.0.1', port: 2222, site: 'fra', tags: ['core', 'x'], proxy_jump: null, state: 'ok' },
    { name: 'b', host: '127.0.0.1', port: 22, site: null, tags: [], proxy_jump: null, state: 'pending' },
    { name: 'd', host: '127.0.0.1', port: 22, site: null, tags: [], proxy_jump: null, state: 'pending' },
  ]);
  const jumps = await syncInventory(db, inventory([node('a'), node('b', { proxyJump: { kind: 'address', user: 'j', host: 'bastion', port: 22 } })]));
  expect(jumps.removed).toEqual(['d']);
  expect((await db.query<{ proxy_jump: string }>(`select proxy_jump from nodes where name = 'b'`)).rows[0]?.proxy_jump).toBe('j@bastion:22');
});
