import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// A new PGlite store runs initdb in WebAssembly: ~4-6 s of CPU on this 2-core machine, the largest part of a
// fresh `npm run demo`'s start. Loading a data directory that already holds every migration costs about a
// third of that. The copy is made by the first store that ran initdb and is kept under .data/cache/, named by
// what it depends on (PGlite's version, the start parameters, every migration file), so a changed migration
// or an upgraded PGlite makes a new one and an old copy is never loaded.
// Loading the tar still replays it through PGlite's WebAssembly file system (~2.4 s). A new store on disk is
// instead a copy of the template as a data directory (cleanly shut down, so a plain file copy of it is a valid
// cluster; made once from the tar), opened as any existing store: ~0.3 s to copy, ~0.6 s to open. The tar stays
// for stores in memory.

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

/** The template as a data directory, beside its tar. */
export function templateDirOf(templateFile: string): string {
  return templateFile.replace(/\.tar$/, '');
}

/** Copies the template directory into `dataDir`; false when there is none yet. */
export function copyTemplateDir(templateDir: string, dataDir: string): boolean {
  if (!existsSync(path.join(/*turbopackIgnore: true*/ templateDir, 'PG_VERSION'))) return false;
  cpSync(/*turbopackIgnore: true*/ templateDir, dataDir, { recursive: true });
  return true;
}

/**
 * Makes the template directory with `build(dir)` (which must leave a cleanly closed cluster in `dir`) in a folder
 * of its own, then moves it into place whole: a process starting beside this one never copies half a template,
 * and when two build it at once the second one's copy is dropped.
 */
export async function saveTemplateDir(templateDir: string, build: (dir: string) => Promise<void>): Promise<void> {
  const partial = `${templateDir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await build(partial);
    renameSync(partial, templateDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
