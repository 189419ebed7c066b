import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db';
import type { EventLike } from '@/lib/diagnosis/sessions';
import { selectSessionEvents } from '@/lib/storage/session-event-selection';
import { loadSessionEventBase, loadSessionEvents } from './session-events';
import { openMemoryDb } from '../../../tests/support/memory-db';

// Ingest diagnoses before it stores the poll's events (lib/ingest/store/poll.ts): it reads the stored
// selection, adds the poll's events and selects again in memory. That must be exactly the selection the
// store gives after the insert, whatever the events: window, remembered sessions, daemon starts, overlap.

let db: Db;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  await db?.close();
});

const at = new Date('2026-11-26T12:00:00.000Z');
const windowMs = 15 * 60_000;
const memoryMs = 24 * 3600_000;
const msgs = ['liveness.scheduler: error writing UDP packet', 'liveness: session up', 'liveness: manager starting', 'systemd: daemon started'];

const eventArb = fc.record({
  // from 30 h before the moment to a minute after it, concentrated on the window and memory edges
  offsetMs: fc.oneof(fc.integer({ min: -30 * 3600_000, max: 60_000 }), fc.constantFrom(-windowMs, -windowMs + 1, -memoryMs, -memoryMs + 1, 0, 1)),
  msg: fc.constantFrom(...msgs),
  iface: fc.constantFrom('doublezero0', null),
  local: fc.constantFrom('10.0.0.1', '10.0.0.2', null),
  peer: fc.constantFrom('198.18.0.1', '198.18.0.2', '198.18.0.3', null),
});

let nodeSeq = 0;

describe('selectSessionEvents', () => {
  it('over (stored selection ∪ new events) equals the stored selection after inserting them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { maxLength: 40 }),
        fc.array(eventArb, { maxLength: 20 }),
        fc.nat({ max: 10 }),
        async (storedArb, newArb, overlap) => {
          const node = `n${nodeSeq++}`;
          await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [node]);
          const toEvent = (e: (typeof storedArb)[number], i: number, tag: string): EventLike => ({
            at: new Date(at.getTime() + e.offsetMs).toISOString(),
            level: e.msg.includes('error') ? 'WARN' : 'INFO',
            msg: e.msg,
            ...(e.iface ? { interface: e.iface } : {}),
            ...(e.local ? { localIP: e.local } : {}),
            ...(e.peer && !e.msg.includes('starting') && !e.msg.includes('systemd') ? { peerIP: e.peer } : {}),
            dedupeKey: `${tag}${i}`,
          });
          const stored = storedArb.map((e, i) => toEvent(e, i, 's'));
          // the next poll's window overlaps the last one: some events are sent again
          const fresh = [...stored.slice(0, overlap), ...newArb.map((e, i) => toEvent(e, i, 'n'))];
          const insert = async (events: EventLike[]) => {
            for (const e of events) {
              await db.query(
                `insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, dedupe_key) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing`,
                [node, e.at, e.level, e.msg, e.interface ?? null, e.localIP ?? null, e.peerIP ?? null, e.dedupeKey],
              );
            }
          };
          await insert(stored);
          const before = await loadSessionEvents(db, node, at, windowMs, memoryMs);
          const inMemory = selectSessionEvents([...before, ...fresh], { at, windowMs, memoryMs });
          await insert(fresh);
          const after = await loadSessionEvents(db, node, at, windowMs, memoryMs);
          const keys = (events: readonly EventLike[]) => events.map((e) => `${e.dedupeKey}@${Date.parse(e.at)}`).sort();
          // Ties (two events of a session at the same ms) may pick either; compare by (session, time) there.
          const sessionTimes = (events: readonly EventLike[]) =>
            events.map((e) => `${e.interface ?? ''}|${e.localIP ?? ''}|${e.peerIP ?? ''}|${e.msg}|${Date.parse(e.at)}`).sort();
          expect(new Set(sessionTimes(inMemory))).toEqual(new Set(sessionTimes(after)));
          if (new Set(keys(after)).size === after.length) expect(keys(inMemory).length).toBe(new Set(keys(after)).size);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('poll after poll, the kept base gives the same selection as reading the log (clock skew, overlap, restarts)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(eventArb, { maxLength: 12 }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.integer({ min: 1_000, max: 6 * 3600_000 }), { minLength: 5, maxLength: 5 }),
        async (polls, gaps) => {
          const node = `n${nodeSeq++}`;
          await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [node]);
          let t = at.getTime();
          let base = await loadSessionEventBase(db, node, new Date(t), windowMs, memoryMs);
          const sent: EventLike[] = [];
          for (const [p, poll] of polls.entries()) {
            const moment = new Date(t);
            // events around this poll's time (some ahead of it: a node clock ahead), and some sent again
            const fresh: EventLike[] = [
              ...sent.slice(-3),
              ...poll.map((e, i) => ({
                at: new Date(t + Math.min(e.offsetMs, 60_000)).toISOString(),
                level: 'WARN',
                msg: e.msg,
                ...(e.iface ? { interface: e.iface } : {}),
                ...(e.local ? { localIP: e.local } : {}),
                ...(e.peer && !e.msg.includes('starting') && !e.msg.includes('systemd') ? { peerIP: e.peer } : {}),
                dedupeKey: `p${p}-${i}`,
              })),
            ];
            const inMemory = selectSessionEvents([...base, ...fresh], { at: moment, windowMs, memoryMs });
            for (const e of fresh) {
              await db.query(
                `insert into liveness_events (node, at, level, msg, interface, local_ip, peer_ip, dedupe_key) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing`,
                [node, e.at, e.level, e.msg, e.interface ?? null, e.localIP ?? null, e.peerIP ?? null, e.dedupeKey],
              );
            }
            const fromStore = await loadSessionEvents(db, node, moment, windowMs, memoryMs);
            const sessionTimes = (events: readonly EventLike[]) =>
              new Set(events.map((e) => `${e.interface ?? ''}|${e.localIP ?? ''}|${e.peerIP ?? ''}|${e.msg}|${Date.parse(e.at)}`));
            expect(sessionTimes(inMemory)).toEqual(sessionTimes(fromStore));
            base = selectSessionEvents([...base, ...fresh], { at: moment, windowMs, memoryMs, keepLater: true });
            sent.push(...fresh);
            t += gaps[p]!;
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
