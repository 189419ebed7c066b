import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';

// A dedicated unprivileged account for OpenSSH tests, with a clean home (root's own shell
// start-up is slow and not what a fleet node looks like). Tests run as root.

export interface TestUser {
  name: string;
  home: string;
  uid: number;
}

export function ensureTestUser(name = 'fnhtest'): TestUser {
  const home = `/tmp/${name}-home`;
  if (!userExists(name)) {
    execFileSync('useradd', ['--home-dir', home, '--no-create-home', '--shell', '/bin/sh', '--user-group', name]);
  }
  // A clean home every run: nothing from a previous run (or a person) changes what the shell does.
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { mode: 0o755 });
  execFileSync('chown', [`${name}:${name}`, home]);
  execFileSync('usermod', ['--home', home, '--shell', '/bin/sh', name]);
  // `*` = no password login, but not "locked" (sshd without PAM refuses locked accounts, even with keys).
  execFileSync('usermod', ['-p', '*', name]);
  return { name, home, uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim()) };
}

/** Ends the test user's leftover processes one by one, by pid (they can only be ours: the account is dedicated). */
export function killUserProcesses(user: TestUser): void {
  let pids: number[] = [];
  try {
    pids = execFileSync('pgrep', ['-u', String(user.uid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return; // pgrep exits 1 when there is none
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
