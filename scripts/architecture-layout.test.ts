import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/ARCHITECTURE.md's layout table is how a newcomer finds their way; it once left out six folders of lib/.
const root = path.join(import.meta.dirname, '..');
const layout = readFileSync(path.join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
const table = layout.slice(layout.indexOf('## Layout'), layout.indexOf('## Contracts'));
const tableRows = table
  .split('\n')
  .filter((l) => l.startsWith('| `'))
  .map((l) => l.split('|').map((c) => c.trim()));
const rows = new Set(tableRows.map((cells) => cells[1]!));

const subfolders = (dir: string) =>
  readdirSync(path.join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
/** Every file under dir (relative to the repo root), recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
const isTestCode = (file: string) => /\.test\.tsx?$/.test(file) || file.split(path.sep).includes('testing');

it.each(['lib', 'agents'])('every top-level folder of %s/ has a row in the layout table', (top) => {
  const folders = subfolders(top).map((name) => `\`${top}/${name}/\``);
  expect(folders.length).toBeGreaterThan(0);
  expect(folders.filter((f) => !rows.has(f))).toEqual([]);
});

it('names no folder of lib/ or agents/ that does not exist', () => {
  const named = [...rows].filter((r) => /^`(lib|agents)\/[^*<]+\/`$/.test(r));
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
  const pure = tableRows
    .filter((cells) => /^`lib\/[^*`<]+\/`$/.test(cells[1]!) && cells[3]!.startsWith('pure `lib/` code'))
    .map((cells) => cells[1]!.slice('`lib/'.length, -'/`'.length))
    .sort();
  const eslintConfig = readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
  const linted = /'lib\/\{([^}]+)\}\/\*\*\/\*\.\{ts,tsx\}'/.exec(eslintConfig)?.[1]?.split(',').sort();
  expect(pure.length).toBeGreaterThan(10);
  expect(linted).toEqual(pure);
  // ...and exempts the features' store/ folders, the edge the table documents
  expect(eslintConfig).toContain("ignores: ['lib/*/store/**'");
});

describe("a feature's store/ (the data-access edge)", () => {
  const stores = subfolders('lib').filter((feature) => subfolders(path.join('lib', feature)).includes('store'));

  it('has its row in the layout table, and every folder holding one is a feature the lint rule calls pure', () => {
    expect(rows.has('`lib/<feature>/store/`')).toBe(true);
    const eslintConfig = readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8');
    const linted = /'lib\/\{([^}]+)\}\/\*\*\/\*\.\{ts,tsx\}'/.exec(eslintConfig)?.[1]?.split(',') ?? [];
    expect(stores.length).toBeGreaterThan(10);
    expect(stores.filter((feature) => !linted.includes(feature))).toEqual([]);
  });

  it("opens every module with import 'server-only', so no client bundle can pull SQL in", () => {
    const modules = stores.flatMap((feature) => filesUnder(path.join('lib', feature, 'store'))).filter((f) => /\.tsx?$/.test(f) && !isTestCode(f));
    const without = modules.filter((f) => !readFileSync(path.join(root, f), 'utf8').startsWith("import 'server-only';\n"));
    expect(modules.length).toBeGreaterThan(50);
    expect(without).toEqual([]);
  });
});

it('agents/ runs no SQL of its own: its store reads go through the features’ store/ modules', () => {
  const agentCode = filesUnder('agents').filter((f) => /\.tsx?$/.test(f) && !isTestCode(f));
  const withSql = agentCode.filter((f) => /\.(query|transaction)\s*[<(]/.test(readFileSync(path.join(root, f), 'utf8')));
  expect(agentCode.length).toBeGreaterThan(20);
  expect(withSql).toEqual([]);
});
