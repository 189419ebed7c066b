import 'server-only';
import path from 'node:path';
import { migrate } from './migrate';
import { openMigratedPglite } from './pglite';
import { openPostgres } from './postgres';
import type { Db } from './types';
import { onShutdown } from '../shutdown';

export type { Db, Queryable } from './types';

// One store per process, kept on globalThis so dev-mode reloads reuse it (PGlite allows one opener).
const holder = globalThis as unknown as { __fnhDb?: Promise<Db> };

export function defaultDataDir(): string {
  return process.env.FNH_DATA_DIR ?? path.join(process.cwd(), '.data', 'pglite');
}

export async function openDb(opts: { databaseUrl?: string; dataDir?: string } = {}): Promise<Db> {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (url) {
    const db = await openPostgres(url);
    await migrate(db);
    return db;
  }
  return openMigratedPglite(opts.dataDir ?? defaultDataDir());
}

export function getDb(): Promise<Db> {
  if (!holder.__fnhDb) {
    holder.__fnhDb = openDb();
    holder.__fnhDb.then(installCloseOnExit, () => {
      holder.__fnhDb = undefined;
    });
  }
  return holder.__fnhDb;
}

// PGlite must be closed cleanly: a reopen after an unclean exit has been seen to hang.
function installCloseOnExit(db: Db): void {
  onShutdown(async () => {
    holder.__fnhDb = undefined;
    await db.close();
  });
}
