import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { InventoryError } from '../lib/inventory/errors';
import { importAnsibleIni } from '../lib/inventory/import-ansible-ini';
import { importAnsibleYaml } from '../lib/inventory/import-ansible-yaml';
import { importSshConfig } from '../lib/inventory/import-ssh-config';
import type { ImportResult } from '../lib/inventory/ansible-model';
import { parseInventoryYaml, validateInventoryInput } from '../lib/inventory/parse-inventory';
import type { Inventory } from '../lib/inventory/schema';

// The edge where inventory text is read from disk; parsing and validation are pure (lib/inventory).

/** Reads and validates an inventory YAML file. Throws InventoryError (file:line: field: message). */
export function loadInventoryFile(file: string): Inventory {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new InventoryError([{ file, line: 0, field: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseInventoryYaml(text, { file, baseDir: path.dirname(abs), homeDir: os.homedir() });
}

export type ImportFormat = 'ansible-ini' | 'ansible-yaml' | 'ssh-config';

/** Reads a foreign inventory (Ansible INI/YAML, ssh_config) and returns it as our inventory input, plus warnings. */
export function importInventoryFile(file: string, format: ImportFormat): ImportResult {
  const text = readFileSync(path.resolve(file), 'utf8');
  if (format === 'ansible-ini') return importAnsibleIni(text);
  if (format === 'ansible-yaml') return importAnsibleYaml(text);
  return importSshConfig(text, { homeDir: os.homedir() });
}

/** Validates an imported inventory as if it were our own file in `baseDir`, and renders it as YAML. */
export function renderImportedInventory(result: ImportResult, source: string, baseDir: string): { inventory: Inventory; yaml: string } {
  const inventory = validateInventoryInput(result.inventory, { file: source, baseDir, homeDir: os.homedir() });
  return { inventory, yaml: stringify(result.inventory) };
}
