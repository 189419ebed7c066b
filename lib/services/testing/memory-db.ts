import { migrate } from '../../db/migrate';
import { openPglite } from '../../db/pglite';
import type { Db } from '../../db/types';

/** A fresh in-memory PGlite with every migration applied: the real SQL, triggers and indexes. */
export async function openMemoryDb(): Promise<Db> {
  const db = await openPglite(undefined);
  await migrate(db);
  return db;
}
