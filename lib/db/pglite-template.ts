import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// A new PGlite store runs initdb in WebAssembly: ~4-6 s of CPU on this 2-core machine, the largest part of a
// fresh `npm run demo`'s start. Loading a data directory that already holds every migration costs about a
// third of that. The copy is made by the first store that ran initdb and is kept under .data/cache/, named by
// what it depends on (PGlite's version, the start parameters, every migration file), so a changed migration
// or an upgraded PGlite makes a new one and an old copy is never loaded.

/** Where the migrated template for these start parameters and migrations lives (under the working directory). */
export function migratedTemplatePath(startParams: readonly string[], migrationsDir: string, cwd = process.cwd()): string {
  const pgliteVersion = readFileSync(path.join(/*turbopackIgnore: true*/ cwd, 'node_modules', '@electric-sql', 'pglite', 'package.json'));
  const hash = createHash('sha256')
    .update(pgliteVersion)
    .update(`${startParams.join(' ')}\n`);
  for (const file of readdirSync(/*turbopackIgnore: true*/ migrationsDir).sort())
    hash.update(`${file}\n`).update(readFileSync(path.join(/*turbopackIgnore: true*/ migrationsDir, file)));
  return path.join(/*turbopackIgnore: true*/ cwd, '.data', 'cache', `pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** True when `dataDir` holds no PostgreSQL cluster yet (PGlite would run initdb there). */
export function isNewDataDir(dataDir: string | undefined): boolean {
  return dataDir === undefined || !existsSync(path.join(/*turbopackIgnore: true*/ dataDir, 'PG_VERSION'));
}

export function readTemplate(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Written aside and renamed: a process starting beside this one never reads half a copy. */
export function saveTemplate(file: string, bytes: Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, bytes);
  renameSync(partial, file);
}
