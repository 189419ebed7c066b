import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// docs/ARCHITECTURE.md's layout table is how a newcomer finds their way; it once left out six folders of lib/.
const root = path.join(import.meta.dirname, '..');
const layout = readFileSync(path.join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
const table = layout.slice(layout.indexOf('## Layout'), layout.indexOf('## Contracts'));
const rows = new Set(
  table
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|')[1]!.trim()),
);

it.each(['lib', 'agents'])('every top-level folder of %s/ has a row in the layout table', (top) => {
  const folders = readdirSync(path.join(root, top), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `\`${top}/${d.name}/\``);
  expect(folders.length).toBeGreaterThan(0);
  expect(folders.filter((f) => !rows.has(f))).toEqual([]);
});

it('names no folder of lib/ or agents/ that does not exist', () => {
  const named = [...rows].filter((r) => /^`(lib|agents)\/[^*]+\/`$/.test(r));
  const missing = named.filter((r) => {
    try {
      return !readdirSync(path.join(root, r.slice(1, -1)));
    } catch {
      return true;
    }
  });
  expect(named.length).toBeGreaterThan(0);
  expect(missing).toEqual([]);
});

it('the lint rule keeping pure folders free of I/O covers exactly the folders the table calls pure', () => {
  const pure = table
    .split('\n')
    .filter((l) => /^\| `lib\/[^*`]+\/` \|/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()))
    .filter((cells) => cells[3]!.includes('pure `lib/` code') && !cells[3]!.includes('edge'))
    .map((cells) => cells[1]!.slice('`lib/'.length, -'/`'.length))
    .sort();
  const eslintConfig = readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
  const linted = /'lib\/\{([^}]+)\}\/\*\*\/\*\.\{ts,tsx\}'/.exec(eslintConfig)?.[1]?.split(',').sort();
  expect(pure.length).toBeGreaterThan(10);
  expect(linted).toEqual(pure);
});
