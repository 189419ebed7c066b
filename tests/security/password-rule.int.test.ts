import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/types';
import { AppError } from '../../lib/errors';
import { createLocalUser } from '../../lib/auth/store/users';
import { openMemoryDb } from '../support/memory-db';

// Issue 14, low finding: the password rule was a length only, so twelve spaces or "password1234" made an
// account. Every way an account gets a password goes through createLocalUser (API, CLI, FNH_ADMIN_*);
// the rule itself, case by case: lib/auth/password-policy.test.ts.

let db: Db;
const actor = { username: 'admin', role: 'admin' } as const;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(async () => {
  await db.close();
});

async function create(username: string, password: string): Promise<string> {
  return createLocalUser(db, { username, password, role: 'operator', via: 'api', actor, now: new Date() }).then(
    () => 'created',
    (err: unknown) => (err instanceof AppError ? `${err.code}: ${err.message}` : String(err)),
  );
}

describe('local account passwords', () => {
  it.each([
    ['all whitespace', ' '.repeat(16)],
    ['a top-1,000 password padded to length', 'password1234'],
    ['a top-1,000 password repeated', 'qwertyqwerty'],
    ['the demo password outside the demo', 'admin-demo-password'],
  ])('refuses %s, and stores no account', async (_name, password) => {
    const username = `u-${Math.random().toString(36).slice(2, 8)}`;
    expect(await create(username, password)).toMatch(/^bad_request: password: /);
    expect((await db.query('select 1 from users where username = $1', [username])).rows).toEqual([]);
  });

  it('accepts a long passphrase', async () => {
    expect(await create('passphrase-user', 'staple battery horse correct')).toBe('created');
  });
});
