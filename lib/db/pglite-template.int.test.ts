import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openMigratedPglite, pgliteOptions } from './pglite';
import { migratedTemplatePath, templateDirOf } from './pglite-template';

// A new store starts from the migrated template; the template is the store as the migrations left it.
const dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-pglite-template-'));
const migrations = path.join(dir, 'migrations');
mkdirSync(migrations);
// a value initdb + this migration cannot produce twice: a store made from the template carries the same one
writeFileSync(path.join(migrations, '001_marker.sql'), `create table marker (v text); insert into marker values (gen_random_uuid()::text);`);
const template = migratedTemplatePath(pgliteOptions.startParams, migrations);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(template, { force: true });
  rmSync(templateDirOf(template), { recursive: true, force: true });
});

const marker = async (dataDir: string): Promise<string> => {
  const db = await openMigratedPglite(dataDir, migrations);
  try {
    return (await db.query<{ v: string }>('select v from marker')).rows.map((r) => r.v).join(',');
  } finally {
    await db.close();
  }
};

it('the first new store leaves the migrated template, the next new store starts from it, an existing store is reopened', async () => {
  expect(existsSync(template)).toBe(false);
  const first = await marker(path.join(dir, 'a'));
  expect(existsSync(template)).toBe(true);
  // loaded from the template: the migration did not run again (its random value is the first store's)
  expect(await marker(path.join(dir, 'b'))).toBe(first);
  // what a store holds is its own: a reopened store is not replaced by the template
  const db = await openMigratedPglite(path.join(dir, 'b'), migrations);
  await db.query(`update marker set v = 'changed'`);
  await db.close();
  expect(await marker(path.join(dir, 'b'))).toBe('changed');
});

it('a new store on disk is a copy of the template as a data directory, made once from the tar', async () => {
  const templateDir = templateDirOf(template);
  // the test above made the tar and two stores: the second one (b) made the directory from the tar
  expect(existsSync(path.join(templateDir, 'PG_VERSION'))).toBe(true);
  const first = await marker(path.join(dir, 'a'));
  // a copy of it: the migration did not run again, and what b changed is b's alone
  expect(await marker(path.join(dir, 'c'))).toBe(first);
  // without the directory (an older cache): made again from the tar, and the store is the same
  rmSync(templateDir, { recursive: true, force: true });
  expect(await marker(path.join(dir, 'd'))).toBe(first);
  expect(existsSync(path.join(templateDir, 'PG_VERSION'))).toBe(true);
  // no half-made directory is left behind beside it
  const partial = new RegExp(`^${path.basename(templateDir)}\\.\\d+\\.[0-9a-f]{8}$`);
  expect(readdirSync(path.dirname(templateDir)).filter((f) => partial.test(f))).toEqual([]);
});

it('names the template by the migration files: another set of migrations never loads it', () => {
  const other = path.join(dir, 'other');
  mkdirSync(other);
  writeFileSync(path.join(other, '001_marker.sql'), 'create table marker (v text);');
  expect(migratedTemplatePath(pgliteOptions.startParams, other)).not.toBe(template);
  expect(migratedTemplatePath([...pgliteOptions.startParams, '-c', 'work_mem=8MB'], migrations)).not.toBe(template);
});
