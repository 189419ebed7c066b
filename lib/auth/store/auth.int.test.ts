import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/types';
import { AppError } from '../../errors';
import { verifyAuditLog } from '../../audit/store/verify';
import { bootstrapAdminFromEnv } from './bootstrap-admin';
import { signOut, userForSession } from './session';
import { maxFailuresPerWindow, signInWithPassword } from './sign-in';
import { createLocalUser } from './users';
import { openMemoryDb } from '../../../tests/support/memory-db';

let db: Db;
const now = new Date('2026-11-26T05:00:00Z');
const env = { FNH_ADMIN_USER: 'admin', FNH_ADMIN_PASSWORD: 'admin-first-password' };
const from = '192.0.2.1';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  return e instanceof AppError ? e.code : e === undefined ? undefined : 'non-app-error';
}

beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  await db.close();
});

describe('local accounts and sessions', () => {
  it('creates the first admin from env once, and never again', async () => {
    expect(await bootstrapAdminFromEnv(db, env, now)).toBe('created');
    expect(await bootstrapAdminFromEnv(db, { ...env, FNH_ADMIN_USER: 'other' }, now)).toBe('skipped');
    const users = await db.query<{ username: string; role: string; password_hash: string }>('select username, role, password_hash from users');
    expect(users.rows).toHaveLength(1);
    expect(users.rows[0]).toMatchObject({ username: 'admin', role: 'admin' });
    // memory-hard hash, never the password
    expect(users.rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(users.rows[0]!.password_hash).not.toContain('admin-first-password');
  });

  it('signs in with the right password into a session stored only as a hash', async () => {
    const s = await signInWithPassword(db, { username: 'ADMIN', password: 'admin-first-password' }, now, from);
    expect(s.user.role).toBe('admin');
    const stored = await db.query<{ token_hash: string }>('select token_hash from sessions');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(s.token);
    expect((await userForSession(db, s.token, now))?.username).toBe('admin');
    // expired after 12 hours
    expect(await userForSession(db, s.token, new Date(now.getTime() + 13 * 3600_000))).toBeUndefined();
    await signOut(db, s.token);
    expect(await userForSession(db, s.token, now)).toBeUndefined();
  });

  it('refuses weak passwords and odd usernames', async () => {
    const actor = { username: 'admin', role: 'admin' } as const;
    expect(await codeOf(createLocalUser(db, { username: 'op', password: 'short', role: 'operator', via: 'api', actor, now }))).toBe('bad_request');
    expect(await codeOf(createLocalUser(db, { username: 'Bad Name;', password: 'long-enough-password', role: 'operator', via: 'api', actor, now }))).toBe(
      'bad_request',
    );
    expect(await codeOf(createLocalUser(db, { username: 'admin', password: 'long-enough-password', role: 'viewer', via: 'api', actor, now }))).toBe('conflict');
  });

  it('wrong passwords are audited and rate limited per account and address (also for unknown names)', async () => {
    for (let i = 0; i < maxFailuresPerWindow; i++) {
      expect(await codeOf(signInWithPassword(db, { username: 'admin', password: `guess-${i}` }, now, from))).toBe('unauthorized');
    }
    // now even the right password waits: the limit is checked before the password
    expect(await codeOf(signInWithPassword(db, { username: 'admin', password: 'admin-first-password' }, now, from))).toBe('rate_limited');
    expect(await codeOf(signInWithPassword(db, { username: 'admin', password: 'admin-first-password' }, new Date(now.getTime() + 16 * 60_000), from))).toBe(
      undefined,
    );
    expect(await codeOf(signInWithPassword(db, { username: 'nobody-here', password: 'x' }, now, from))).toBe('unauthorized');
    const failed = await db.query<{ n: number }>(`select count(*)::int as n from audit_log where type = 'user.sign-in-failed'`);
    // the five wrong passwords; attempts refused by the limit are not checked, and an unknown name is only
    // counted (its window's one record: tests/security/sign-in-throttle.int.test.ts)
    expect(failed.rows[0]!.n).toBe(maxFailuresPerWindow);
  });

  it('a disabled account cannot sign in and its sessions stop working', async () => {
    const actor = { username: 'admin', role: 'admin' } as const;
    await createLocalUser(db, { username: 'temp', password: 'temporary-password', role: 'operator', via: 'api', actor, now });
    const s = await signInWithPassword(db, { username: 'temp', password: 'temporary-password' }, now, from);
    await db.query(`update users set disabled = true where username = 'temp'`);
    expect(await userForSession(db, s.token, now)).toBeUndefined();
    expect(await codeOf(signInWithPassword(db, { username: 'temp', password: 'temporary-password' }, now, from))).toBe('unauthorized');
  });
});
