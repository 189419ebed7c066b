import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { formatFieldPath, InventoryError, type InventoryIssue } from './errors';
import { lineOfPath } from './locate';
import { resolveInventory } from './resolve';
import { inventoryInputSchema, type Inventory, type InventoryInput } from './schema';

export interface ParseInventoryOptions {
  /** the file name shown in messages, e.g. `inventory.yaml` */
  file: string;
  /** absolute folder of the inventory file: relative key/known_hosts paths are resolved from it */
  baseDir: string;
  /** the user's home, for `~/` in paths (given by the caller: parsing reads no environment) */
  homeDir?: string;
}

/**
 * Parses and validates an inventory YAML text. Throws `InventoryError` whose message names file,
 * line and field of every problem, e.g. `inventory.yaml:7: nodes[2].port: expected a number 1-65535`.
 */
export function parseInventoryYaml(text: string, opts: ParseInventoryOptions): Inventory {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InventoryError(
      doc.errors.map((e) => ({
        file: opts.file,
        line: lines.linePos(e.pos[0]).line,
        field: '',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || raw === undefined) {
    throw new InventoryError([{ file: opts.file, line: 0, field: '', message: 'the inventory is empty (expected a `nodes:` list)' }]);
  }
  const parsed = inventoryInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InventoryError(zodIssues(parsed.error.issues, opts.file, (p, key) => lineOfPath(doc, lines, p, key)));
  }
  const resolved = resolveInventory(parsed.data, {
    file: opts.file,
    baseDir: opts.baseDir,
    ...(opts.homeDir ? { homeDir: opts.homeDir } : {}),
    lineOf: (p) => lineOfPath(doc, lines, p),
  });
  if (!resolved.ok) throw new InventoryError(resolved.issues);
  return resolved.inventory;
}

/** Validates an inventory built by an importer (no source lines: issues name the field only). */
export function validateInventoryInput(input: unknown, opts: ParseInventoryOptions): Inventory {
  const parsed = inventoryInputSchema.safeParse(input);
  if (!parsed.success) throw new InventoryError(zodIssues(parsed.error.issues, opts.file, () => 0));
  const resolved = resolveInventory(parsed.data as InventoryInput, {
    file: opts.file,
    baseDir: opts.baseDir,
    ...(opts.homeDir ? { homeDir: opts.homeDir } : {}),
    lineOf: () => 0,
  });
  if (!resolved.ok) throw new InventoryError(resolved.issues);
  return resolved.inventory;
}

function zodIssues(issues: readonly z.core.$ZodIssue[], file: string, lineOf: (path: readonly PropertyKey[], key?: string) => number): InventoryIssue[] {
  const out: InventoryIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One message per unknown key, at the key's own line.
      for (const key of issue.keys) {
        out.push({ file, line: lineOf(issue.path, key), field: formatFieldPath([...issue.path, key]), message: 'unknown field' });
      }
      continue;
    }
    out.push({ file, line: lineOf(issue.path), field: formatFieldPath(issue.path), message: issue.message });
  }
  return out.sort((a, b) => a.line - b.line);
}
