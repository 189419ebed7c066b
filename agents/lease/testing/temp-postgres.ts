import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../ssh/testing/free-port';

// A throwaway PostgreSQL server for integration tests: Debian's binaries, a fresh cluster made with
// initdb as the unprivileged `postgres` account (the server refuses to run as root), listening on a
// free port of 127.0.0.1 only, with durability off (tests do not need fsync). stop() removes it all.

const BIN = process.env.FNH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

export interface TempPostgres {
  /** postgres://fnh@127.0.0.1:PORT/fnh (trust auth, local only) */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return existsSync(path.join(BIN, 'initdb')) && userId(OS_USER) !== undefined;
}

export async function startTempPostgres(): Promise<TempPostgres> {
  const uid = userId(OS_USER);
  const gid = groupId(OS_USER);
  if (uid === undefined || gid === undefined) throw new Error(`no ${OS_USER} account for the test PostgreSQL server`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-pg-'));
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const asPostgres = { uid, gid, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', NODE_ENV: 'test' as const }, stdio: 'pipe' as const };
  execFileSync(path.join(BIN, 'initdb'), ['-D', data, '-U', 'fnh', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], asPostgres);
  const port = await freePort();
  const serverOpts = [`-p ${port}`, "-c listen_addresses=127.0.0.1", `-c unix_socket_directories=${dir}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=100'].join(' ');
  try {
    execFileSync(path.join(BIN, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', '-o', serverOpts, 'start'], asPostgres);
  } catch (err) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}\n${tail}`);
  }
  const admin = new pg.Client({ connectionString: `postgres://fnh@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('create database fnh');
  await admin.end();
  return {
    url: `postgres://fnh@127.0.0.1:${port}/fnh`,
    port,
    async stop() {
      try {
        execFileSync(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userId(name: string): number | undefined {
  try {
    return Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

function groupId(name: string): number | undefined {
  try {
    return Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}
