// npx tsx scripts/capture-fixtures/upstream-fixtures.ts [--out DIR] [--kernel-from DIR]
// Writes the upstream-* fixture bundles (fixtures/bundles/README.md). As root it takes their kernel sections
// from a fresh lab (scripts/capture-fixtures/upstream/lab-capture.ts); with --kernel-from it reuses the kernel
// sections already in DIR/<fixture>/ (no root, no lab) and regenerates everything else, byte for byte.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFixture, fixtureSpecs, type KernelCapture } from './upstream/fixtures';
import { kernelFiles, type KernelFile, type KernelSections } from './upstream/kernel';
import { captureFromLab } from './upstream/lab-capture';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'fixtures/bundles' }, 'kernel-from': { type: 'string' } } });
const out = values.out;

async function kernelFromFolder(dir: string): Promise<KernelSections> {
  const entries = await Promise.all(Object.keys(kernelFiles).map(async (file) => [file, await readFile(path.join(dir, file), 'utf8')] as const));
  return Object.fromEntries(entries) as Record<KernelFile, string>;
}

async function main(): Promise<void> {
  const from = values['kernel-from'];
  const captured: Map<KernelCapture, KernelSections> | null = from ? null : await captureFromLab((line) => process.stderr.write(`${line}\n`));
  for (const spec of fixtureSpecs) {
    const kernel = captured?.get(spec.capture) ?? (from ? await kernelFromFolder(path.join(from, spec.name)) : undefined);
    if (!kernel) throw new Error(`no kernel capture ${spec.capture} for ${spec.name}`);
    const files = buildFixture(spec, kernel);
    const dir = path.join(out, spec.name);
    await mkdir(dir, { recursive: true });
    // a fixture folder holds exactly what the generator writes
    for (const stale of await readdir(dir)) if (!(stale in files)) await rm(path.join(dir, stale));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    process.stderr.write(`wrote ${dir} (${Object.keys(files).length} files)\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`upstream-fixtures: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
