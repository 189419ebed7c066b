import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundleFolder } from '@/lib/bundle/folder';
import type { Bundle } from '@/lib/bundle/types';
import type { Db } from '@/lib/db';
import type { FleetRow } from '@/lib/fleet/fleet';
import { applyPeerGridDelta, peerGridDeltaSchema } from '@/lib/peers/peer-grid-delta';
import { sseReader } from '@/lib/live/sse-read';
import { journalReferenceYear } from '@/lib/model/normalize';
import { parseJournalDetailed } from '@/lib/parse/journal';
import { ingestPoll } from '../../ingest/store/poll';
import { livePeerGrid } from '../../peers/store/list-peer-grid';
import { openPollEventStream } from './notify-event-stream';
import { PollFanout } from './notify-fanout';
import { LiveRows } from './notify-live-rows';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Live updates as changed rows (issue 13): after a poll is stored, the event stream sends that node's fleet
// row and the peer grid's changed rows, which turn the grid the browser has into the grid the server has.

let db: Db;
let clock = Date.now();
const fixture = (name: string) => loadBundleFolder(path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles', name));

async function poll(name: string, node: string) {
  const bundle = await fixture(name);
  clock += 5_000;
  const at = new Date(clock);
  const b: Bundle = { meta: { node, collectedAt: at.toISOString() }, sections: bundle.sections };
  const text = b.sections.journal?.stdout ?? '';
  const result = parseJournalDetailed(text, journalReferenceYear(b.meta.collectedAt));
  await ingestPoll(db, {
    ok: true,
    node,
    at,
    pollMs: 5,
    bundle: b,
    events: result.events,
    journal: { text, referenceYear: journalReferenceYear(b.meta.collectedAt), result },
  });
}

beforeAll(async () => {
  db = await openMemoryDb();
  for (const n of ['n1', 'n2']) await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [n]);
  await poll('stale-session', 'n1');
  await poll('healthy', 'n2');
});
afterAll(async () => {
  await db?.close();
});

describe('live rows on the event stream', () => {
  it("sends the polled node's fleet row and the peer grid rows that changed", async () => {
    const now = () => new Date(clock + 1_000);
    const fanout = new PollFanout(async () => db);
    const rows = new LiveRows(fanout, { db: async () => db, now, batchMs: 20, staleCheckMs: 3_600_000 });
    const abort = new AbortController();
    const events = sseReader(await openPollEventStream({ fanout, rows, signal: abort.signal, batchMs: 20, now }));
    expect((await events.next()).event).toBe('hello');
    const next = async (name: string) => {
      for (;;) {
        const e = await events.next();
        if (e.event === name) return JSON.parse(e.data) as unknown;
      }
    };

    // the grid as the browser read it
    const before = await livePeerGrid({ now: now(), db });
    await poll('firewall-blocked', 'n1');
    const fleet = (await next('fleet-rows')) as { rows: FleetRow[] };
    expect(fleet.rows.map((r) => [r.name, r.worstVerdict])).toEqual([['n1', 'firewall-blocked']]);
    // the first update after subscribing only records the grid; the next poll that changes it sends rows
    await poll('no-route', 'n1');
    const delta = peerGridDeltaSchema.parse(await next('peer-rows'));
    const after = await livePeerGrid({ now: now(), db });
    if (delta.kind !== 'rows') throw new Error('expected rows');
    expect(delta.to).toBe(after.version);
    expect(delta.rows.map((r) => r.name)).toEqual(['n1']);
    // the browser's grid, taken to the delta's starting version, becomes the server's grid
    const mid = { ...after.grid, version: delta.from };
    const applied = applyPeerGridDelta(
      { ...mid, cells: mid.cells.filter(([r]) => r !== delta.rows[0]!.row).concat(before.grid.cells.filter(([r]) => r === delta.rows[0]!.row)) },
      delta,
    );
    expect({ ...applied, asOf: after.grid.asOf }).toEqual(after.grid);
    abort.abort();
    await fanout.close();
  });

  it('sends the rows of nodes whose data turned stale, which no poll announces', async () => {
    let t = clock + 1_000;
    const fanout = new PollFanout(async () => db);
    const rows = new LiveRows(fanout, { db: async () => db, now: () => new Date(t), batchMs: 20, staleCheckMs: 50 });
    const got: FleetRow[][] = [];
    const unsubscribe = await rows.subscribe({ onRows: (u) => u.fleet && got.push(u.fleet.rows) });
    t += 60_000; // a minute without polls: both nodes' data is stale
    const deadline = Date.now() + 10_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    unsubscribe();
    await fanout.close();
    expect(
      got
        .flat()
        .map((r) => [r.name, r.poll.state, r.worstVerdict])
        .sort(),
    ).toEqual([
      ['n1', 'stale', 'unknown'],
      ['n2', 'stale', 'unknown'],
    ]);
  });
});
