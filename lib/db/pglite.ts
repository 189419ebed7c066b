import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { yieldToForeground } from '../foreground-activity';
import { migrate, migrationsDir } from './migrate';
import { copyTemplateDir, isNewDataDir, migratedTemplatePath, readTemplate, saveTemplate, saveTemplateDir, templateDirOf } from './pglite-template';
import { PriorityGate, type Priority } from './priority-gate';
import type { Db, Queryable } from './types';

/**
 * PGlite runs no checkpointer: WAL grows until a CHECKPOINT (maintenance runs one on a schedule), and
 * segments up to min_wal_size are kept for reuse. Small bounds keep a quiet store small on disk.
 */
export const pgliteWalSettings = ['-c', 'max_wal_size=64MB', '-c', 'min_wal_size=32MB'];

/** How every PGlite of ours starts: the default parameters plus the WAL bounds. */
export const pgliteOptions = { startParams: [...PGlite.defaultStartParams, ...pgliteWalSettings] };

/** The embedded store as it is on disk (no migration applied): for tools that inspect a store. */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  return wrapPglite(await startPglite(dataDir, pgliteOptions));
}

/** A PGlite in `dataDir` (made if missing; in memory without one), ready for statements. */
async function startPglite(dataDir: string | undefined, options: PGliteOptions): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await pg.waitReady;
  return pg;
}

/**
 * The embedded store in `dataDir` (in memory without one), every migration applied. A new store starts from
 * the migrated template when there is one (lib/db/pglite-template.ts): on disk as a copy of its data directory,
 * in memory loaded from its tar. A store that had to run initdb leaves the tar behind.
 */
export async function openMigratedPglite(dataDir: string | undefined, dir = migrationsDir()): Promise<Db> {
  const templateFile = isNewDataDir(dataDir) ? migratedTemplatePath(pgliteOptions.startParams, dir) : undefined;
  let fromTemplate = false;
  let loadDataDir: Blob | undefined;
  if (templateFile) {
    if (dataDir !== undefined && (await copyTemplate(templateFile, dataDir))) fromTemplate = true;
    else {
      const tar = readTemplate(templateFile);
      loadDataDir = tar ? blobOf(tar) : undefined;
      fromTemplate = tar !== null;
    }
  }
  const pg = await startPglite(dataDir, loadDataDir ? { ...pgliteOptions, loadDataDir } : pgliteOptions);
  const db = wrapPglite(pg);
  await migrate(db, dir);
  if (templateFile && !fromTemplate) saveTemplate(templateFile, new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer()));
  return db;
}

/**
 * The template's data directory copied into `dataDir`, made from its tar first if needed (the tar is read only
 * then); false when there is no template yet.
 */
async function copyTemplate(templateFile: string, dataDir: string): Promise<boolean> {
  const templateDir = templateDirOf(templateFile);
  if (copyTemplateDir(templateDir, dataDir)) return true;
  const tar = readTemplate(templateFile);
  if (!tar) return false;
  await saveTemplateDir(templateDir, async (building) => {
    const pg = await startPglite(building, { ...pgliteOptions, loadDataDir: blobOf(tar) });
    await pg.close();
  });
  return copyTemplateDir(templateDir, dataDir);
}

/** The tar as a Blob over the same memory (readFileSync's buffer is never shared memory): no 40 MB copy. */
function blobOf(bytes: Buffer): Blob {
  return new Blob([new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength)]);
}

/** The store over an open PGlite (tests start one from a copied data directory). */
export function wrapPglite(pg: PGlite): Db {
  // One connection: every statement or transaction takes its turn at the gate, page reads first.
  const gate = new PriorityGate(8, yieldToForeground);
  const asQueryable = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Queryable => ({
    async exec(sql: string) {
      await q.exec(sql);
    },
    async query<T>(sql: string, params?: readonly unknown[]) {
      const res = await q.query<T>(sql, params ? [...params] : undefined);
      return { rows: res.rows };
    },
  });
  const direct = asQueryable(pg);
  const at = (priority: Priority): Db => ({
    kind: 'pglite',
    exec: (sql) => gate.run(priority, () => direct.exec(sql)),
    query: (sql, params) => gate.run(priority, () => direct.query(sql, params)),
    transaction: (fn) => gate.run(priority, () => pg.transaction((tx) => fn(asQueryable(tx)))),
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return async () => unsub();
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
    background: () => background,
  });
  const background = at('background');
  return at('foreground');
}
