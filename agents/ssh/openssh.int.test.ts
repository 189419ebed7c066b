import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryNode } from '../../lib/inventory/schema';
import { decodeProbeReply } from '../../lib/probe/decode';
import { buildServeCommand, buildServeRequest, serveEndLine } from '../../lib/probe/serve';
import { SshError } from './errors';
import { SshPool } from './pool';
import { startOpenSshd, type OpenSshServer } from './testing/openssh-server';
import { ensureTestUser, killUserProcesses, type TestUser } from './testing/test-user';

// The pool against Debian OpenSSH sshd: ssh-agent auth, a wrong key, a hashed known_hosts made by
// ssh-keygen -H, remote quoting through a real shell, and a command that outlives its timeout.

let dir: string;
let user: TestUser;
let sshd: OpenSshServer;
let keyPath: string;
let agentPid: number | undefined;
let agentSock: string;
const pools: SshPool[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-openssh-'));
  user = ensureTestUser();
  keyPath = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', keyPath]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', path.join(dir, 'other')]);
  sshd = await startOpenSshd({ user: user.name, authorizedKey: readFileSync(`${keyPath}.pub`, 'utf8') });
  // A real ssh-agent holding the key (the key file itself is not given to the pool).
  agentSock = path.join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  agentPid = agent.pid;
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('ssh-add', [keyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, stdio: 'ignore' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  if (agentPid) process.kill(agentPid, 'SIGTERM');
  await sshd?.stop();
  if (user) killUserProcesses(user);
  rmSync(dir, { recursive: true, force: true });
});

function hashedKnownHosts(): string {
  const file = path.join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
  return file;
}

function pool(node: Partial<InventoryNode>): SshPool {
  const full: InventoryNode = {
    name: 'n',
    host: '127.0.0.1',
    port: sshd.port,
    user: user.name,
    tags: [],
    knownHostsPath: hashedKnownHosts(),
    useAgent: false,
    trustOnFirstUse: false,
    ...node,
  };
  const p = new SshPool({ source: 'test', nodes: [full] }, { connectTimeoutMs: 5_000 });
  pools.push(p);
  return p;
}

const limits = { timeoutMs: 5_000, maxBytes: 1024 * 1024 };

describe('SshPool with OpenSSH', () => {
  it('authenticates through ssh-agent (SSH_AUTH_SOCK) and checks a hashed known_hosts entry', async () => {
    const before = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agentSock;
    try {
      const p = pool({ useAgent: true });
      expect(await p.runCommand('n', ['id', '-un'], limits)).toMatchObject({ stdout: `${user.name}\n`, exitCode: 0 });
    } finally {
      if (before === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = before;
    }
  });

  it('passes argv through the remote shell untouched', async () => {
    const p = pool({ keyPath });
    const hostile = `a'b "c" $(touch /tmp/pwned) ; echo x \\ \n end`;
    const res = await p.runCommand('n', ['printf', '%s', hostile], limits);
    expect(res.stdout).toBe(hostile);
  });

  it('reports a key sshd does not accept as auth-failed', async () => {
    const p = pool({ keyPath: path.join(dir, 'other') });
    const err = await p.exec('n', 'true', limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as SshError).kind).toBe('auth-failed');
  });

  it('gives up on a command at its timeout and carries on with a fresh connection', async () => {
    const p = pool({ keyPath });
    const err = await p.exec('n', 'sleep 30', { timeoutMs: 500, maxBytes: 1024 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'command-timeout', command: 'sleep 30' });
    expect(await p.runCommand('n', ['echo', 'after'], limits)).toMatchObject({ stdout: 'after\n' });
    // The remote command does not outlive its timeout (the channel got KILL and was closed).
    const left = async () => execFileSync('sh', ['-c', `pgrep -u ${user.uid} -x sleep || true`], { encoding: 'utf8' }).trim();
    for (let i = 0; i < 40 && (await left()) !== ''; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await left()).toBe('');
  });

  it('runs the probe loop in the login shell: request after request on one channel, unchanged sections by hash', async () => {
    const p = pool({ keyPath });
    const since = Math.floor(Date.now() / 1000) - 60;
    const shells = () => execFileSync('sh', ['-c', `pgrep -u ${user.uid} -x sh || true`], { encoding: 'utf8' }).trim();
    const first = decodeProbeReply((await p.converse('n', buildServeCommand(), buildServeRequest(1, since), serveEndLine(1), limits)).toString('latin1'));
    const afterFirst = shells();
    expect(first.sections.hostname?.section.exitCode).toBe(0);
    const known = { hostname: first.sections.hostname!.sha256, 'ip-link': first.sections['ip-link']!.sha256 };
    const second = decodeProbeReply(
      (await p.converse('n', buildServeCommand(), buildServeRequest(2, since, known), serveEndLine(2), limits)).toString('latin1'),
    );
    expect(Object.keys(second.unchanged).sort()).toEqual(['hostname', 'ip-link']);
    expect(second.sections['ip-route']?.section.stdout).toBe(first.sections['ip-route']?.section.stdout);
    // Both replies came from the same shell (login shell + loop), still running and waiting for the next line:
    // no shell appeared for the second request. A shell of an earlier test may still be exiting during the
    // first look, so the second look may show fewer, never a new one.
    const firstShells = afterFirst.split('\n').filter(Boolean);
    const afterSecond = shells().split('\n').filter(Boolean);
    expect(firstShells.length).toBeGreaterThan(0);
    expect(afterSecond.length).toBeGreaterThan(0);
    expect(afterSecond.filter((pid) => !firstShells.includes(pid))).toEqual([]);
  });
});
