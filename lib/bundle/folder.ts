import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleMetaSchema, requiredSections, sectionFileNames, sectionNames, type Bundle, type RawSection } from './types';

// A bundle folder (DESIGN.md "Capture bundle"): meta.json plus one file per section, holding the
// command's stdout exactly as printed. This is an edge (node:fs); the domain code never imports it.

export class BundleFolderError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'BundleFolderError';
  }
}

const MAX_FILE_BYTES = 64 * 1024 * 1024;
// These must be JSON when present: a folder with a broken one is malformed, not "unreadable output".
const JSON_SECTIONS = new Set(['ip-link', 'ip-addr', 'ip-route', 'ip-rule', 'nft']);

async function readIfPresent(file: string): Promise<string | undefined> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new BundleFolderError(file, 'not a regular file');
    size = info.size;
  } catch (err) {
    if (err instanceof BundleFolderError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BundleFolderError(file, `cannot read (${(err as Error).message})`);
  }
  if (size > MAX_FILE_BYTES) throw new BundleFolderError(file, `larger than ${MAX_FILE_BYTES} bytes`);
  return readFile(file, 'utf8');
}

/** Reads a bundle folder; throws `BundleFolderError` naming the file when the folder is malformed. */
export async function loadBundleFolder(dir: string): Promise<Bundle> {
  const dirInfo = await stat(dir).catch(() => undefined);
  if (!dirInfo?.isDirectory()) throw new BundleFolderError(dir, 'not a bundle folder (no such directory)');

  const metaFile = path.join(dir, 'meta.json');
  const metaText = await readIfPresent(metaFile);
  if (metaText === undefined) throw new BundleFolderError(metaFile, 'missing (required: {"node": "...", "collectedAt": "<ISO time>"})');
  let metaValue: unknown;
  try {
    metaValue = JSON.parse(metaText);
  } catch (err) {
    throw new BundleFolderError(metaFile, `invalid JSON (${(err as Error).message})`);
  }
  const meta = bundleMetaSchema.safeParse(metaValue);
  if (!meta.success)
    throw new BundleFolderError(metaFile, `bad meta: ${meta.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);

  const sections: Bundle['sections'] = {};
  for (const name of sectionNames) {
    const file = path.join(dir, sectionFileNames[name]);
    const stdout = await readIfPresent(file);
    if (stdout === undefined) {
      if (requiredSections.includes(name)) throw new BundleFolderError(file, 'missing (required section)');
      continue;
    }
    if (JSON_SECTIONS.has(name)) {
      try {
        JSON.parse(stdout);
      } catch (err) {
        throw new BundleFolderError(file, `invalid JSON (${(err as Error).message})`);
      }
    }
    // a folder keeps outputs only: the exit code is not known
    sections[name] = { stdout, stderr: '', exitCode: null, truncated: false };
  }
  return { meta: meta.data, sections };
}

/**
 * Writes a bundle as a folder. Sections whose command failed are left out (their stdout is not the
 * command's answer), except `systemctl is-active`, which exits non-zero to say "not active".
 */
export async function saveBundleFolder(dir: string, bundle: Bundle): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'meta.json'), `${JSON.stringify(bundle.meta, null, 2)}\n`);
  for (const name of sectionNames) {
    const section: RawSection | undefined = bundle.sections[name];
    if (!section) continue;
    if (section.exitCode !== null && section.exitCode !== 0 && name !== 'systemctl') continue;
    await writeFile(path.join(dir, sectionFileNames[name]), section.stdout);
  }
}
