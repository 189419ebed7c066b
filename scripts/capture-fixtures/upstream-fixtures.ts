// npx tsx scripts/capture-fixtures/upstream-fixtures.ts [--out DIR] [--kernel-from DIR] [--family upstream|verdict]
// Writes the fixture bundles built with the upstream daemon model (fixtures/bundles/README.md): the upstream-*
// bundles and the per-verdict ones (healthy, interface-missing, …, seed-line). As root it takes their kernel sections
// from a fresh lab (scripts/capture-fixtures/upstream/lab-capture.ts) and from namespaces with the seed's addresses
// (upstream/seed-namespaces.ts); with --kernel-from it reuses the kernel sections already in DIR/<fixture>/ (no root,
// no lab) and regenerates everything else, byte for byte. --family writes one of the two families only.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFixture, fixtureSpecs, type KernelCapture } from './upstream/fixtures';
import { kernelFiles, type KernelFile, type KernelSections } from './upstream/kernel';
import { captureFromLab } from './upstream/lab-capture';
import { captureSeedStates } from './upstream/seed-namespaces';
import { buildVerdictFixture, firewalledSendCount, verdictFixtureSpecs, type SeedCapture } from './upstream/verdict-fixtures';
import { errorMessage } from '../../lib/errors';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'fixtures/bundles' }, 'kernel-from': { type: 'string' }, family: { type: 'string' } },
});
const out = values.out;
const from = values['kernel-from'];
const family = values.family;
if (family !== undefined && family !== 'upstream' && family !== 'verdict') throw new Error(`--family must be upstream or verdict, not ${family}`);
const wants = (f: 'upstream' | 'verdict') => family === undefined || family === f;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function kernelFromFolder(dir: string): Promise<KernelSections> {
  const entries = await Promise.all(Object.keys(kernelFiles).map(async (file) => [file, await readFile(path.join(dir, file), 'utf8')] as const));
  return Object.fromEntries(entries) as Record<KernelFile, string>;
}

/** Writes one fixture folder: exactly the generator's files (anything else in the folder is removed). */
async function writeFixture(name: string, files: Record<string, string>): Promise<void> {
  const dir = path.join(out, name);
  await mkdir(dir, { recursive: true });
  for (const stale of await readdir(dir)) if (!(stale in files)) await rm(path.join(dir, stale));
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  log(`wrote ${dir} (${Object.keys(files).length} files)`);
}

async function kernelFor<C>(captured: Map<C, KernelSections> | null, capture: C, name: string): Promise<KernelSections> {
  const kernel = captured?.get(capture) ?? (from ? await kernelFromFolder(path.join(from, name)) : undefined);
  if (!kernel) throw new Error(`no kernel capture ${String(capture)} for ${name}`);
  return kernel;
}

async function main(): Promise<void> {
  if (wants('upstream')) {
    const lab: Map<KernelCapture, KernelSections> | null = from ? null : await captureFromLab(log);
    for (const spec of fixtureSpecs) await writeFixture(spec.name, buildFixture(spec, await kernelFor(lab, spec.capture, spec.name)));
  }
  if (wants('verdict')) {
    const seed: Map<SeedCapture, KernelSections> | null = from ? null : await captureSeedStates(log, { firewalledSends: firewalledSendCount() });
    for (const spec of verdictFixtureSpecs) await writeFixture(spec.name, buildVerdictFixture(spec, await kernelFor(seed, spec.capture, spec.name)));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`upstream-fixtures: ${errorMessage(err)}\n`);
  process.exit(1);
});
