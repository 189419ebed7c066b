import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db';
import type { Db } from '../../lib/db/types';
import { postgresAvailable, startTempPostgres, type TempPostgres } from './testing/temp-postgres';

// Several agents deployed at once against a new, empty database all migrate it at start-up: each must
// come up (no duplicate-key race on the migrations table) and each migration is applied exactly once.

let server: TempPostgres;
const opened: Db[] = [];

describe.runIf(postgresAvailable())('agents starting together on an empty PostgreSQL database', () => {
  beforeAll(async () => {
    server = await startTempPostgres();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await server?.stop();
  });

  it('all open it, and every migration is recorded once', async () => {
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => openDb({ databaseUrl: server.url })));
    for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const { rows } = await opened[0]!.query<{ name: string; n: number }>('select name, count(*)::int as n from schema_migrations group by name');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.map((r) => r.name)).toContain('040_leases.sql');
  });
});
