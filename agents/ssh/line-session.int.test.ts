import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerChannel } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SshError } from './errors';
import { SshPool } from './pool';
import { startFakeSshServer, type FakeSshServer } from './testing/fake-ssh-server';

// SshPool.converse / LineSession against ssh2 servers that answer request lines well or badly.

let dir: string;
const stops: Array<() => Promise<void>> = [];
const pools: SshPool[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-session-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(dir, 'id')]);
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await Promise.all(stops.splice(0).map((s) => s()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server whose loop command answers each request line with `answer(line, channel)`. */
async function loopServer(answer: (line: string, ch: ServerChannel) => void): Promise<{ server: FakeSshServer; pool: SshPool }> {
  const server = await startFakeSshServer((ch, command) => {
    if (command !== 'loop') {
      ch.write('exec answer\n');
      ch.exit(0);
      ch.end();
      return;
    }
    let buffered = '';
    ch.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        answer(line, ch);
      }
    });
  });
  stops.push(() => server.stop());
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${server.port} ${server.hostPublicKey}\n`);
  const pool = new SshPool({
    source: 't',
    nodes: [
      {
        name: 'n',
        host: '127.0.0.1',
        port: server.port,
        user: 'u',
        tags: [],
        keyPath: path.join(dir, 'id'),
        knownHostsPath: path.join(dir, 'known_hosts'),
        useAgent: false,
        trustOnFirstUse: false,
      },
    ],
  });
  pools.push(pool);
  return { server, pool };
}

const limits = { timeoutMs: 2_000, maxBytes: 64 * 1024 };
const ask = (pool: SshPool, id: number, l = limits) => pool.converse('n', 'loop', `${id}\n`, `END ${id}\n`, l).then((b) => b.toString());

async function sshError(p: Promise<unknown>): Promise<SshError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof SshError) return err;
  throw new Error(`expected an SshError, got ${String(err)}`);
}

describe('SshPool.converse', () => {
  it('sends many requests over one channel, even with the end line split across packets', async () => {
    const { server, pool } = await loopServer((line, ch) => {
      // Byte by byte: the end line arrives in pieces.
      for (const ch1 of `reply to ${line}\nsecond line\nEND ${line}\n`) ch.write(ch1);
    });
    expect(await ask(pool, 1)).toBe('reply to 1\nsecond line\n');
    expect(await ask(pool, 2)).toBe('reply to 2\nsecond line\n');
    expect(await ask(pool, 3)).toBe('reply to 3\nsecond line\n');
    expect(server.execs()).toEqual(['loop']);
  });

  it('takes an end line only as a whole line, for this request', async () => {
    const { pool } = await loopServer((line, ch) => ch.write(`xEND ${line}\nEND 0\nEND ${line}\n`));
    expect(await ask(pool, 7)).toBe(`xEND 7\nEND 0\n`);
  });

  it('gives an empty reply when the end line comes first', async () => {
    const { pool } = await loopServer((line, ch) => ch.write(`END ${line}\n`));
    expect(await ask(pool, 1)).toBe('');
  });

  it('fails a reply over the cap without holding it, and recycles the connection', async () => {
    const { server, pool } = await loopServer((line, ch) => ch.write(Buffer.alloc(256 * 1024, 'A')));
    const err = await sshError(ask(pool, 1));
    expect(err.kind).toBe('output-too-large');
    expect(pool.sessionUsable('n')).toBe(true);
    await sshError(ask(pool, 2));
    expect(server.connections()).toBe(2);
  });

  it('fails on a node that never answers, within the deadline', async () => {
    const { pool } = await loopServer(() => undefined);
    const err = await sshError(ask(pool, 1, { timeoutMs: 300, maxBytes: 1024 }));
    expect(err.kind).toBe('command-timeout');
  });

  it('breaks the session on bytes after the end of a reply, and stops using sessions on that connection', async () => {
    const { pool } = await loopServer((line, ch) => ch.write(`ok\nEND ${line}\nextra`));
    const err = await sshError(ask(pool, 1));
    expect(err.kind).toBe('protocol');
    expect(pool.sessionUsable('n')).toBe(false);
    // Exec still works on the same connection.
    expect((await pool.exec('n', 'other', limits)).stdout.toString()).toBe('exec answer\n');
  });

  it('reports a loop that exits as closed, with its exit code', async () => {
    const { pool } = await loopServer((_line, ch) => {
      ch.exit(96);
      ch.end();
    });
    const err = await sshError(ask(pool, 1));
    expect(err.kind).toBe('closed');
    expect(err.exitCode).toBe(96);
    expect(pool.sessionUsable('n')).toBe(false);
  });

  it('leaves an in-flight request alone when a second one comes: the second fails, the session stays', async () => {
    let release: (() => void) | undefined;
    const { pool } = await loopServer((line, ch) => {
      if (line === '1') release = () => ch.write(`one\nEND 1\n`);
      else ch.write(`END ${line}\n`);
    });
    const first = ask(pool, 1);
    for (let i = 0; i < 100 && !release; i++) await new Promise((r) => setTimeout(r, 10));
    const err = await sshError(ask(pool, 2));
    expect(err.message).toMatch(/busy/);
    release!();
    expect(await first).toBe('one\n');
    expect(pool.sessionUsable('n')).toBe(true);
    expect(await ask(pool, 3)).toBe('');
  });
});
