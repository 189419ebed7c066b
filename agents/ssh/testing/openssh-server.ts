import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { freePort } from './free-port';

// A real Debian OpenSSH sshd on 127.0.0.1 for integration tests: its own host key, config and
// authorized_keys, one user, nothing from the machine's /etc/ssh.

export interface OpenSshServer {
  port: number;
  /** `ssh-ed25519 AAAA...` */
  hostPublicKey: string;
  /** everything sshd printed (-e: logs on stderr) */
  log(): string;
  stop(): Promise<void>;
}

export interface OpenSshServerOptions {
  user: string;
  authorizedKey: string;
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG1';
}

export async function startOpenSshd(opts: OpenSshServerOptions): Promise<OpenSshServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-sshd-'));
  // sshd's per-user child reads authorized_keys as that user.
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(dir, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', hostKey]);
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, opts.authorizedKey.trim() + '\n', { mode: 0o644 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      `AllowUsers ${opts.user}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'AllowTcpForwarding yes',
      'PermitRootLogin no',
      'PrintMotd no',
      'MaxSessions 20',
      `LogLevel ${opts.logLevel ?? 'INFO'}`,
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => {
    log += d.toString('utf8');
  });
  await waitForListen(port, child, () => log);
  return {
    port,
    hostPublicKey: readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' '),
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForListen(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}
