import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryFile } from '../../agents/inventory-file';
import { SshError } from '../../agents/ssh/errors';
import { SshPool } from '../../agents/ssh/pool';
import { newHostKey, startFakeSshServer, type FakeSshServer } from '../../agents/ssh/testing/fake-ssh-server';

// A node's connection error is stored as it is and shown to every signed-in user, viewers included
// (fleet grid, node page). It must say what happened and which file to fix, without handing out the
// layout of the agent host: the absolute path of the known_hosts file (issue 14, low finding).

let dir: string;
let changed: FakeSshServer;
let unpinned: FakeSshServer;
let pool: SshPool;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-secret-layout-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(dir, 'id_ed25519')]);
  changed = await startFakeSshServer(() => undefined);
  unpinned = await startFakeSshServer(() => undefined);
  // `changed` is pinned to another key; `unpinned` is not in the file at all.
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${changed.port} ${newHostKey().publicKey}\n`);
  writeFileSync(
    path.join(dir, 'fleet.yaml'),
    [
      'defaults: { user: fnh, keyPath: ./id_ed25519, knownHostsPath: ./known_hosts }',
      'nodes:',
      `  - { name: changed, host: 127.0.0.1, port: ${changed.port} }`,
      `  - { name: unpinned, host: 127.0.0.1, port: ${unpinned.port} }`,
    ].join('\n') + '\n',
  );
  pool = new SshPool(loadInventoryFile(path.join(dir, 'fleet.yaml')), { connectTimeoutMs: 5_000 });
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([changed?.stop(), unpinned?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function failure(node: string): Promise<SshError> {
  const err = await pool.exec(node, 'true', { timeoutMs: 5_000, maxBytes: 1_000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SshError)) throw new Error(`expected an SshError, got ${String(err)}`);
  return err;
}

describe('host key errors shown to viewers', () => {
  it('a changed key says HOST KEY CHANGED and names the known_hosts file, not where it lives', async () => {
    const err = await failure('changed');
    expect(err.kind).toBe('host-key-changed');
    expect(err.message).toMatch(/HOST KEY CHANGED/);
    expect(err.message).toContain('known_hosts line 1');
    expect(JSON.stringify(err.toJSON())).not.toContain(dir);
  });

  it('an unknown key says which file to pin it in, by name only', async () => {
    const err = await failure('unpinned');
    expect(err.kind).toBe('host-key-unknown');
    expect(err.message).toContain('known_hosts');
    expect(JSON.stringify(err.toJSON())).not.toContain(dir);
  });
});
