import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryNode } from '../../lib/inventory/schema';
import { SshError } from './errors';
import { SshPool } from './pool';
import { flood, hang, newHostKey, startFakeSshServer, startSilentServer, type FakeSshServer } from './testing/fake-ssh-server';

// The SSH pool against ssh2 servers that misbehave on purpose. Real sockets, real SSH protocol.

let dir: string;
let keyPath: string;
const stops: Array<() => Promise<void>> = [];
const pools: SshPool[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-pool-'));
  keyPath = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', keyPath]);
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await Promise.all(stops.splice(0).map((s) => s()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function node(name: string, port: number, knownHosts: string, extra: Partial<InventoryNode> = {}): InventoryNode {
  const knownHostsPath = path.join(dir, `${name}.known_hosts`);
  writeFileSync(knownHostsPath, knownHosts);
  return { name, host: '127.0.0.1', port, user: 'fnh', tags: [], keyPath, knownHostsPath, useAgent: false, trustOnFirstUse: false, ...extra };
}

function pin(server: { port: number; hostPublicKey: string }): string {
  return `[127.0.0.1]:${server.port} ${server.hostPublicKey}\n`;
}

function pool(nodes: InventoryNode[], opts: ConstructorParameters<typeof SshPool>[1] = {}): SshPool {
  const p = new SshPool({ source: 'test', nodes }, { connectTimeoutMs: 1_500, backoff: { baseMs: 100, maxMs: 400 }, ...opts });
  pools.push(p);
  return p;
}

async function server(behaviour: Parameters<typeof startFakeSshServer>[0], key?: ReturnType<typeof newHostKey>): Promise<FakeSshServer> {
  const s = await startFakeSshServer(behaviour, key);
  stops.push(() => s.stop());
  return s;
}

async function sshError(p: Promise<unknown>): Promise<SshError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SshError) return err;
    throw err;
  }
  throw new Error('expected an SshError');
}

const limits = { timeoutMs: 2_000, maxBytes: 1024 * 1024 };

describe('SshPool', () => {
  it('runs commands over one reused connection and quotes argv for the remote shell', async () => {
    const s = await server((ch, command) => {
      ch.write(command);
      ch.stderr.write('note');
      ch.exit(command.startsWith('false') ? 3 : 0);
      ch.end();
    });
    const p = pool([node('n', s.port, pin(s))]);
    const res = await p.runCommand('n', ['echo', "it's; rm -rf /"], limits);
    expect(res).toEqual({ stdout: "echo 'it'\\''s; rm -rf /'", stderr: 'note', exitCode: 0 });
    await p.runCommand('n', ['true'], limits);
    expect(s.connections()).toBe(1);
    expect(s.execs()).toHaveLength(2);

    const err = await sshError(p.runCommand('n', ['false', '--token=secret'], limits));
    expect(err.toJSON()).toEqual({
      kind: 'exit-nonzero',
      message: expect.stringContaining('exited with 3'),
      host: `127.0.0.1:${s.port}`,
      command: 'false --token=***',
      exitCode: 3,
      stderr: 'note',
    });
    expect(await p.runCommand('n', ['false'], { ...limits, allowNonZero: true })).toMatchObject({ exitCode: 3 });
  });

  it('times out a node that accepts TCP and never speaks, then backs off', async () => {
    const silent = await startSilentServer();
    stops.push(() => silent.stop());
    const p = pool([node('silent', silent.port, '')]);
    const err = await sshError(p.exec('silent', 'true', limits));
    expect(err.kind).toBe('connect-timeout');
    expect(p.state('silent')).toMatchObject({ status: 'backoff', failures: 1 });
    // Inside the backoff window no new connection is attempted: the same kind is reported at once.
    const again = await sshError(p.exec('silent', 'true', limits));
    expect(again.kind).toBe('connect-timeout');
    expect(again.message).toMatch(/next attempt in/);
    expect(silent.connections()).toBe(1);
  });

  it('kills a command that does not finish and recycles the connection', async () => {
    const s = await server(hang);
    const p = pool([node('slow', s.port, pin(s))]);
    const err = await sshError(p.exec('slow', 'sleep infinity', { timeoutMs: 300, maxBytes: 1024 }));
    expect(err).toMatchObject({ kind: 'command-timeout', command: 'sleep infinity' });
    await sshError(p.exec('slow', 'sleep infinity', { timeoutMs: 300, maxBytes: 1024 }));
    expect(s.connections()).toBe(2);
  });

  it('stops reading at the output cap: the node is cut off, not buffered', async () => {
    const sent = { bytes: 0 };
    const s = await server(flood(sent));
    const p = pool([node('loud', s.port, pin(s))]);
    const maxBytes = 256 * 1024;
    const err = await sshError(p.exec('loud', 'yes', { timeoutMs: 10_000, maxBytes }));
    expect(err.kind).toBe('output-too-large');
    const atFailure = sent.bytes;
    await new Promise((r) => setTimeout(r, 300));
    // The channel is closed: the node cannot push more, so what it sent stays bounded.
    expect(sent.bytes).toBe(atFailure);
    expect(sent.bytes).toBeLessThan(64 * maxBytes);
  });

  it('refuses a changed host key, never sends a command, and stays refused until re-pinned', async () => {
    const pinned = newHostKey();
    const s = await server((ch) => {
      ch.exit(0);
      ch.end();
    });
    const n = node('changed', s.port, `[127.0.0.1]:${s.port} ${pinned.publicKey}\n`);
    const p = pool([n]);
    const err = await sshError(p.exec('changed', 'true', limits));
    expect(err.kind).toBe('host-key-changed');
    expect(err.message).toMatch(/HOST KEY CHANGED/);
    expect(p.state('changed').status).toBe('host-key-changed');
    const again = await sshError(p.exec('changed', 'true', limits));
    expect(again.kind).toBe('host-key-changed');
    expect(s.connections()).toBe(1);
    expect(s.execs()).toEqual([]);

    // The operator re-pins (edits known_hosts): the next command goes through.
    writeFileSync(n.knownHostsPath, pin(s));
    await p.exec('changed', 'true', limits);
    expect(s.execs()).toEqual(['true']);
  });

  it('treats a server that offers none of the pinned key types as a changed key', async () => {
    const s = await server((ch) => {
      ch.exit(0);
      ch.end();
    });
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-C', '', '-f', path.join(dir, 'old_rsa')]);
    const oldRsa = readFileSync(path.join(dir, 'old_rsa.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const p = pool([node('retyped', s.port, `[127.0.0.1]:${s.port} ${oldRsa}\n`)]);
    const err = await sshError(p.exec('retyped', 'true', limits));
    expect(err.kind).toBe('host-key-changed');
    expect(err.message).toMatch(/none of the pinned key types \(ssh-rsa\)/);
    expect(p.state('retyped').status).toBe('host-key-changed');
    expect(s.execs()).toEqual([]);
  });

  it('refuses an unknown key unless the node trusts on first use, which pins it', async () => {
    const s = await server((ch) => {
      ch.exit(0);
      ch.end();
    });
    const strict = pool([node('strict', s.port, '')]);
    expect((await sshError(strict.exec('strict', 'true', limits))).kind).toBe('host-key-unknown');
    expect(s.execs()).toEqual([]);

    const tofu = node('tofu', s.port, '# pinned keys\n', { trustOnFirstUse: true });
    await pool([tofu]).exec('tofu', 'true', limits);
    expect(readFileSync(tofu.knownHostsPath, 'utf8')).toBe(`# pinned keys\n[127.0.0.1]:${s.port} ${s.hostPublicKey}\n`);
  });

  it('reports an unreadable key file as an auth failure without connecting', async () => {
    const s = await server(hang);
    const p = pool([node('nokey', s.port, pin(s), { keyPath: path.join(dir, 'missing') })]);
    expect((await sshError(p.exec('nokey', 'true', limits))).kind).toBe('auth-failed');
    expect(s.connections()).toBe(0);
  });

  it('notices a peer that went silent through keepalives, and reconnects', async () => {
    const s = await server((ch) => {
      ch.exit(0);
      ch.end();
    });
    // A TCP relay that can drop everything in both directions, like a dead path would.
    let dropping = false;
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(s.port, '127.0.0.1');
      const pass = (from: net.Socket, to: net.Socket) => from.on('data', (d) => (dropping ? undefined : to.write(d)));
      pass(inbound, outbound);
      pass(outbound, inbound);
      for (const sock of [inbound, outbound]) sock.on('error', () => undefined).on('close', () => (inbound.destroy(), outbound.destroy()));
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    stops.push(() => new Promise<void>((r) => relay.close(() => r())));
    const relayPort = (relay.address() as net.AddressInfo).port;
    const n = node('dead', relayPort, `[127.0.0.1]:${relayPort} ${s.hostPublicKey}\n`);
    const p = pool([n], { keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
    await p.exec('dead', 'true', limits);
    expect(p.state('dead').status).toBe('ready');
    dropping = true;
    for (let i = 0; i < 50 && p.state('dead').status === 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(p.state('dead').status).not.toBe('ready');
    dropping = false;
    await p.exec('dead', 'true', limits);
    expect(s.connections()).toBe(2);
  });
});
