import { mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseFiles, bundleFromTestdata } from '../model/testing';
import { BundleFolderError, loadBundleFolder, saveBundleFolder } from './folder';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fnh-bundle-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bundle folder', () => {
  it('saves and loads a bundle with the same outputs', async () => {
    const bundle = bundleFromTestdata(baseFiles, { journal: 'x\n', systemctl: 'inactive\n' });
    bundle.sections.systemctl!.exitCode = 3;
    bundle.sections.metrics = { stdout: 'partial', stderr: 'curl: (7)', exitCode: 7, truncated: false };
    await saveBundleFolder(dir, bundle);
    const loaded = await loadBundleFolder(dir);
    expect(loaded.meta).toEqual(bundle.meta);
    expect(Object.keys(loaded.sections).sort()).toEqual(['ip-addr', 'ip-link', 'ip-route', 'ip-rule', 'journal', 'nft', 'systemctl']);
    expect(loaded.sections['ip-route']?.stdout).toBe(bundle.sections['ip-route']?.stdout);
    expect(loaded.sections.systemctl).toEqual({ stdout: 'inactive\n', stderr: '', exitCode: null, truncated: false });
  });

  it('names the file when the folder is malformed', async () => {
    await expect(loadBundleFolder(path.join(dir, 'nope'))).rejects.toThrow(/no such directory/);
    await expect(loadBundleFolder(dir)).rejects.toThrow(`${path.join(dir, 'meta.json')}: missing`);
    await writeFile(path.join(dir, 'meta.json'), '{"node": ""}');
    await expect(loadBundleFolder(dir)).rejects.toThrow(/meta.json: bad meta: node .*collectedAt/);
    await saveBundleFolder(dir, bundleFromTestdata(baseFiles));
    await unlink(path.join(dir, 'ip-rule.json'));
    await expect(loadBundleFolder(dir)).rejects.toThrow(`${path.join(dir, 'ip-rule.json')}: missing (required section)`);
    await saveBundleFolder(dir, bundleFromTestdata(baseFiles));
    await writeFile(path.join(dir, 'nft.json'), '{"nftables": [');
    const err = await loadBundleFolder(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleFolderError);
    expect((err as BundleFolderError).file).toBe(path.join(dir, 'nft.json'));
  });
});
