import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../lib/db/migrate';
import { openMigratedPglite } from '../../lib/db/pglite';
import { openPostgres } from '../../lib/db/postgres';
import type { Db } from '../../lib/db/types';

/**
 * A fresh store with every migration applied: the real SQL, triggers and indexes. In-memory PGlite by
 * default; with FNH_TEST_DATABASE_URL (a PostgreSQL superuser URL) a new database on that server, so the
 * same tests also run against PostgreSQL.
 */
export async function openMemoryDb(): Promise<Db> {
  const url = process.env.FNH_TEST_DATABASE_URL;
  if (!url) return openMigratedPglite(undefined);
  const name = `fnh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openPostgres(target.href);
  await migrate(db);
  return db;
}

/** An embedded store in a folder, as `npm start` opens it: every migration applied, from the migrated template. */
export function openMigratedPgliteAt(dataDir: string): Promise<Db> {
  return openMigratedPglite(dataDir);
}
