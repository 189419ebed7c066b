import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './types';

export function migrationsDir(): string {
  // Servers and CLIs run from the repository root; the folder ships with the code.
  return path.join(process.cwd(), 'lib', 'db', 'migrations');
}

/** The migration files that apply to a store of this kind, in order: NNN_name.postgres.sql only on PostgreSQL. */
export function migrationFiles(names: readonly string[], kind: Db['kind']): string[] {
  return names.filter((f) => /^\d{3}_[a-z0-9_]+(\.postgres)?\.sql$/.test(f) && (kind === 'postgres' || !f.endsWith('.postgres.sql'))).sort();
}

/**
 * Applies every lib/db/migrations/NNN_name.sql not applied yet, in order, each in its own transaction. A file
 * named NNN_name.postgres.sql applies to PostgreSQL only (what the embedded store does without, e.g. partitions).
 */
export async function migrate(db: Db, dir = migrationsDir()): Promise<string[]> {
  const files = migrationFiles(readdirSync(/*turbopackIgnore: true*/ dir), db.kind);
  const applied: string[] = [];
  // Under the same lock as the migrations: agents started together on a new database would otherwise race
  // on `create table if not exists` (a duplicate pg_type key error for all but one of them).
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(727274)');
    await tx.query('create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())');
  });
  for (const file of files) {
    const sql = readFileSync(/*turbopackIgnore: true*/ path.join(dir, file), 'utf8');
    const did = await db.transaction(async (tx) => {
      // Several agents may start at once against one PostgreSQL: serialize migrations.
      if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(727274)');
      const done = await tx.query('select 1 from schema_migrations where name = $1', [file]);
      if (done.rows.length > 0) return false;
      await tx.exec(sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [file]);
      return true;
    });
    if (did) applied.push(file);
  }
  return applied;
}
