import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../ssh/testing/free-port';
import { errorMessage } from '../../../lib/errors';

// A throwaway PostgreSQL server for integration tests: Debian's binaries, a fresh cluster made with
// initdb as the unprivileged `postgres` account (the server refuses to run as root), listening on a
// free port of 127.0.0.1 only. stop() removes it all.
// Durability is off by default (tests rarely need fsync); `durable: true` keeps synchronous commits for
// tests that crash the server (crash(): immediate mode, no shutdown checkpoint) and assert that every
// acknowledged commit survives the recovery at the next start().

const BIN = process.env.FNH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

export interface TempPostgres {
  /** postgres://fnh@127.0.0.1:PORT/fnh (trust auth, local only) */
  url: string;
  port: number;
  /** kill the server the hard way, like a crash */
  crash(): void;
  /** start it again (crash recovery runs) */
  start(): void;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return existsSync(path.join(BIN, 'initdb')) && idOf('-u') !== undefined;
}

export async function startTempPostgres(opts: { durable?: boolean } = {}): Promise<TempPostgres> {
  const uid = idOf('-u');
  const gid = idOf('-g');
  if (uid === undefined || gid === undefined) throw new Error(`no ${OS_USER} account for the test PostgreSQL server`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-pg-'));
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const asPostgres = {
    uid,
    gid,
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', NODE_ENV: 'test' as const },
    stdio: 'pipe' as const,
  };
  execFileSync(
    path.join(BIN, 'initdb'),
    ['-D', data, '-U', 'fnh', '-A', 'trust', '-E', 'UTF8', ...(opts.durable ? [] : ['--no-sync']), '--no-instructions'],
    asPostgres,
  );
  const port = await freePort();
  const durability = opts.durable ? ['-c fsync=on', '-c synchronous_commit=on'] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
  const serverOpts = [`-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`, ...durability, '-c max_connections=100'].join(' ');
  const start = () => {
    try {
      execFileSync(path.join(BIN, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '120', '-o', serverOpts, 'start'], asPostgres);
    } catch (err) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(`test PostgreSQL did not start: ${errorMessage(err)}\n${tail}`);
    }
  };
  const crash = () => {
    execFileSync(path.join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], asPostgres);
  };
  try {
    start();
    const admin = new pg.Client({ connectionString: `postgres://fnh@127.0.0.1:${port}/postgres` });
    await admin.connect();
    await admin.query('create database fnh');
    await admin.end();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://fnh@127.0.0.1:${port}/fnh`,
    port,
    crash,
    start,
    async stop() {
      try {
        crash();
      } catch {
        // already stopped
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function idOf(flag: '-u' | '-g'): number | undefined {
  try {
    return Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}
