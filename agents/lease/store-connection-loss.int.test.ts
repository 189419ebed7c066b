import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db';
import type { Db } from '../../lib/db/types';
import { sseReader } from '../../lib/live/sse-read';
import { PollFanout } from '../../lib/live/store/notify-fanout';
import { openPollEventStream } from '../../lib/live/store/notify-event-stream';
import { postgresAvailable, startTempPostgres, type TempPostgres } from './testing/temp-postgres';

// Many processes share one PostgreSQL; it restarts or fails over now and then. Every backend is
// terminated here (what a restart does to clients): the process must survive (an unhandled pool
// 'error' event would kill it), queries work again on new connections, and a live event stream ends
// so the browser reconnects to a fresh LISTEN that delivers again.

let server: TempPostgres;
let db: Db;

async function terminateBackends(): Promise<void> {
  const admin = new pg.Client({ connectionString: server.url.replace(/\/fnh$/, '/postgres') });
  await admin.connect();
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = 'fnh' and pid <> pg_backend_pid()`);
  await admin.end();
}

async function notify(node: string): Promise<void> {
  await db.query(`select pg_notify('fnh_poll', $1)`, [node]);
}

/** Right after the kill, a pooled connection whose termination has not been read yet may still fail one query. */
async function soonAfterOutage<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.runIf(postgresAvailable())('PostgreSQL connections dropped under a dashboard', () => {
  beforeAll(async () => {
    server = await startTempPostgres();
    db = await openDb({ databaseUrl: server.url });
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it('survives, ends the event stream, and a new stream receives notifications again', async () => {
    const fanout = new PollFanout(async () => db);
    const first = sseReader(await openPollEventStream({ fanout, batchMs: 20 }));
    expect((await first.next()).event).toBe('hello');
    await notify('before');
    expect(JSON.parse((await first.next()).data)).toMatchObject({ nodes: ['before'] });

    await terminateBackends();
    // The stream ends (EventSource would reconnect after its retry delay).
    await expect(first.next()).rejects.toThrow(/ended/);
    // Idle pooled connections died too; the pool replaces them.
    expect((await soonAfterOutage(() => db.query<{ x: number }>('select 1 as x'))).rows[0]?.x).toBe(1);

    const second = sseReader(await openPollEventStream({ fanout, batchMs: 20 }));
    expect((await second.next()).event).toBe('hello');
    await soonAfterOutage(() => notify('after'));
    expect(JSON.parse((await second.next()).data)).toMatchObject({ nodes: ['after'] });
    await second.cancel();
    await fanout.close();
  });
});
