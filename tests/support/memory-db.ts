import { PGlite } from '@electric-sql/pglite';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrate, migrationsDir } from '../../lib/db/migrate';
import { pgliteOptions, wrapPglite } from '../../lib/db/pglite';
import { openPostgres } from '../../lib/db/postgres';
import type { Db } from '../../lib/db/types';

/**
 * A fresh store with every migration applied: the real SQL, triggers and indexes. In-memory PGlite by
 * default; with FNH_TEST_DATABASE_URL (a PostgreSQL superuser URL) a new database on that server, so the
 * same tests also run against PostgreSQL.
 */
export async function openMemoryDb(): Promise<Db> {
  const url = process.env.FNH_TEST_DATABASE_URL;
  if (!url) return openMigratedPglite();
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

/**
 * Starting PGlite (its initdb) costs seconds of CPU per test file; loading a data directory that already
 * holds every migration costs about a third of that. The copy is made once per set of migration files (their
 * hash names it) and kept under .data/, so a changed migration makes a new one.
 */
async function openMigratedPglite(dataDir?: string): Promise<Db> {
  const template = migratedTemplatePath();
  const saved = readIfPresent(template);
  if (saved) {
    const options = { ...pgliteOptions, loadDataDir: new Blob([new Uint8Array(saved)]) };
    const store = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
    await store.waitReady;
    return wrapPglite(store);
  }
  const store = dataDir ? new PGlite(dataDir, pgliteOptions) : new PGlite(pgliteOptions);
  await store.waitReady;
  const db = wrapPglite(store);
  await migrate(db);
  const dump = Buffer.from(await (await store.dumpDataDir('none')).arrayBuffer());
  const cacheDir = path.dirname(template);
  mkdirSync(cacheDir, { recursive: true });
  // written aside and renamed: a test file running beside this one never reads half a copy
  const partial = `${template}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, dump);
  renameSync(partial, template);
  return db;
}

/** An embedded store in a folder, as `npm start` would open it, with every migration applied (from the same copy). */
export async function openMigratedPgliteAt(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true });
  return openMigratedPglite(dataDir);
}

function migratedTemplatePath(): string {
  const dir = migrationsDir();
  // the data directory's format is PGlite's: its version is part of the name too
  const pgliteVersion = readFileSync(path.join(process.cwd(), 'node_modules', '@electric-sql', 'pglite', 'package.json'));
  const hash = createHash('sha256')
    .update(pgliteVersion)
    .update(`${pgliteOptions.startParams.join(' ')}\n`);
  for (const file of readdirSync(dir).sort()) hash.update(`${file}\n`).update(readFileSync(path.join(dir, file)));
  return path.join(process.cwd(), '.data', 'test-cache', `pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
}

function readIfPresent(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
