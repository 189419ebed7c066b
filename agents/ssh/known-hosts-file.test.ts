import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHostKey, entriesForHost } from './known-hosts';
import { readKnownHostsIndex } from './known-hosts-file';

const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIE2+9ssH75kFZMDZAqh/qf7iXIPtkc6yvQhij35YBQeL';
const EC = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJ6R6CM6KwYFLzrsESS4XFvrCYAlVLwVnbZGnRTQw4rcbWcHQ1d6HqtbSTt98Mn9uu7QlTQ4RiZ+4Zl2OjrXstc=';
const key = (b64: string) => Buffer.from(b64, 'base64');

describe('readKnownHostsIndex', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fnh-known-hosts-'));
    dirs.push(dir);
    return path.join(dir, 'known_hosts');
  };

  it('parses an unchanged file once and shares the index between connects', async () => {
    const f = file();
    writeFileSync(f, `[127.0.0.1]:2201 ssh-ed25519 ${ED}\n`);
    const a = await readKnownHostsIndex(f);
    expect(await readKnownHostsIndex(f)).toBe(a);
  });

  it('sees an edit at the next read: a re-pinned key is known, the old one changed', async () => {
    const f = file();
    writeFileSync(f, `[127.0.0.1]:2201 ssh-ed25519 ${ED}\n`);
    const before = entriesForHost(await readKnownHostsIndex(f), '127.0.0.1', 2201);
    expect(checkHostKey(before, '127.0.0.1', 2201, key(ED))).toMatchObject({ status: 'known' });
    writeFileSync(f, `[127.0.0.1]:2201 ecdsa-sha2-nistp256 ${EC}\n`);
    const after = entriesForHost(await readKnownHostsIndex(f), '127.0.0.1', 2201);
    expect(checkHostKey(after, '127.0.0.1', 2201, key(EC))).toMatchObject({ status: 'known' });
    expect(checkHostKey(after, '127.0.0.1', 2201, key(ED))).toMatchObject({ status: 'changed' });
  });

  it('treats a missing file as empty: every host is unknown', async () => {
    const f = file();
    expect(checkHostKey(entriesForHost(await readKnownHostsIndex(f), 'h', 22), 'h', 22, key(ED))).toEqual({ status: 'unknown' });
  });
});
