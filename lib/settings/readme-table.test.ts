import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { retentionDefaults, formatDuration, retentionKinds } from '../storage/retention-config';
import { documentedDefault, settingNames, type SettingName } from './settings';

// The README's settings table is what an operator reads; the schema is what the code reads. Both ways:
// every setting the schema reads has a row stating its default, and every setting the table names is read.
const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

function tableAfter(header: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.indexOf(header);
  expect(start, `README table "${header}"`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** `FNH_AGENT=off`, `FNH_RETENTION` (`kind=duration,…`): the variable names a cell lists. */
function namesIn(cell: string): string[] {
  return [...cell.matchAll(/`([A-Z][A-Z0-9_]+)(=[^`]*)?`/g)].map((m) => m[1]!);
}

/** Whether a cell (or its part) states `value`: as the cell, at its start, or as a word of it. */
function states(text: string, value: string): boolean {
  const plain = text.replaceAll('`', '');
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s(;:,])${escaped}($|[\\s);:,])`).test(plain);
}

const settingsRows = tableAfter('| setting | meaning | default |').map(([names, , defaults]) => ({ names: namesIn(names!), defaults: defaults! }));

describe("the README's settings table", () => {
  it('names every setting the schema reads', () => {
    const documented = new Set(settingsRows.flatMap((r) => r.names));
    expect(settingNames.filter((n) => !documented.has(n))).toEqual([]);
  });

  it('names only settings the schema reads', () => {
    const known = new Set<string>(settingNames);
    expect(settingsRows.flatMap((r) => r.names).filter((n) => !known.has(n))).toEqual([]);
  });

  it('states each default the schema has', () => {
    const wrong: string[] = [];
    for (const row of settingsRows) {
      // A row of several settings with as many defaults lists them in order ("5000, 32, 20000").
      const parts = row.defaults.split(', ');
      row.names.forEach((name, i) => {
        const expected = documentedDefault(name as SettingName);
        if (expected === undefined) return;
        const text = parts.length === row.names.length ? parts[i]! : row.defaults;
        if (!states(text, expected)) wrong.push(`${name}: README says "${text}", the schema ${expected}`);
      });
    }
    expect(wrong).toEqual([]);
  });
});

describe("the README's retention table", () => {
  it('states the default of each kind the schema reads', () => {
    const rows = tableAfter('| kind | setting | default | what |').filter(([, setting]) => setting !== '—');
    expect(rows.map(([, setting]) => setting)).toEqual(retentionKinds.map((k) => `\`FNH_RETAIN_${k.toUpperCase()}\``));
    rows.forEach(([, setting, defaults], i) => {
      expect(states(defaults!.split(' (')[0]!, formatDuration(retentionDefaults[retentionKinds[i]!].ms)), `${setting}: ${defaults}`).toBe(true);
    });
  });
});
