import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openMigratedPglite, pgliteOptions } from './pglite';
import { migratedTemplatePath } from './pglite-template';

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

it('names the template by the migration files: another set of migrations never loads it', () => {
  const other = path.join(dir, 'other');
  mkdirSync(other);
  writeFileSync(path.join(other, '001_marker.sql'), 'create table marker (v text);');
  expect(migratedTemplatePath(pgliteOptions.startParams, other)).not.toBe(template);
  expect(migratedTemplatePath([...pgliteOptions.startParams, '-c', 'work_mem=8MB'], migrations)).not.toBe(template);
});
