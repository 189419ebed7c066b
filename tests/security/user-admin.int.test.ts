import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lib/auth/roles';
import { sessionCookieName } from '../../lib/auth/session-token';

// SECURITY.md promises revocation "by disabling the account" (issue 14, low finding). Through the real
// route handlers, in-process, on a real PGlite store: an admin disables, re-enables, re-roles, resets and
// deletes accounts; each change is audited and ends the account's open sessions on the next request;
// an admin cannot lock the product out of its last admin, nor remove their own access by a slip.

const origin = 'http://127.0.0.1:3100';
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
let patchUser: Handler;
let deleteUserRoute: Handler;
let resetPassword: Handler;
let me: Handler;
let dataDir: string;
const savedEnv = { ...process.env };
const tokens = new Map<string, string>();

async function db() {
  const { getDb } = await import('../../lib/db');
  return getDb();
}

async function makeUser(username: string, role: Role, source: 'local' | 'oidc' = 'local'): Promise<string> {
  const { createLocalUser } = await import('../../lib/auth/store/users');
  const { openSession } = await import('../../lib/auth/store/sign-in');
  const store = await db();
  const user = await createLocalUser(store, {
    username,
    password: `${username}-password-long`,
    role,
    via: 'cli',
    actor: { username: 'test', role: 'admin' },
    now: new Date(),
  });
  if (source === 'oidc')
    await store.query(`update users set source = 'oidc', password_hash = null, oidc_subject = $2 where id = $1`, [user.id, `issuer|${username}`]);
  const token = (await store.transaction((tx) => openSession(tx, { ...user, source }, 'password', new Date()))).token;
  tokens.set(username, token);
  return token;
}

function request(method: string, urlPath: string, as: string, body?: unknown): Request {
  return new Request(new URL(urlPath, origin), {
    method,
    headers: {
      host: '127.0.0.1:3100',
      origin,
      'sec-fetch-site': 'same-origin',
      cookie: `${sessionCookieName}=${tokens.get(as)}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const params = (username: string) => ({ params: Promise.resolve({ username }) });

async function signedIn(username: string): Promise<boolean> {
  return (await me(request('GET', '/api/auth/me', username), { params: Promise.resolve({}) })).status === 200;
}

async function lastAudit(): Promise<{ type: string; actor: string; entry: Record<string, unknown> }> {
  const r = await (await db()).query<{ type: string; actor: string; body: string }>('select type, actor, body from audit_log order by seq desc limit 1');
  const row = r.rows[0]!;
  return { type: row.type, actor: row.actor, entry: (JSON.parse(row.body) as { entry: Record<string, unknown> }).entry };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-user-admin-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  delete process.env.FNH_PUBLIC_ORIGIN;
  const users = (await import('../../app/api/auth/users/[username]/route')) as unknown as { PATCH: Handler; DELETE: Handler };
  patchUser = users.PATCH;
  deleteUserRoute = users.DELETE;
  resetPassword = ((await import('../../app/api/auth/users/[username]/password/route')) as unknown as { POST: Handler }).POST;
  me = ((await import('../../app/api/auth/me/route')) as unknown as { GET: Handler }).GET;
  await makeUser('boss', 'admin');
  await makeUser('ops', 'operator');
  await makeUser('watcher', 'viewer');
  await makeUser('sso-user', 'operator', 'oidc');
}, 120_000);

afterAll(async () => {
  const { verifyAuditLog } = await import('../../lib/audit/store/verify');
  expect(await verifyAuditLog(await db())).toMatchObject({ ok: true });
  await (await db()).close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an admin manages accounts from the product', () => {
  it('disabling an account ends its open session at once, is audited, and can be undone', async () => {
    expect(await signedIn('ops')).toBe(true);
    const res = await patchUser(request('PATCH', '/api/auth/users/ops', 'boss', { disabled: true }), params('ops'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { username: 'ops', disabled: true } });
    expect(await signedIn('ops')).toBe(false);
    expect(await lastAudit()).toMatchObject({ type: 'user.disabled', actor: 'boss', entry: { username: 'ops', sessionsEnded: 1 } });
    expect((await patchUser(request('PATCH', '/api/auth/users/ops', 'boss', { disabled: false }), params('ops'))).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ type: 'user.enabled', entry: { username: 'ops' } });
    // the old session stays ended: enabling does not bring it back
    expect(await signedIn('ops')).toBe(false);
  });

  it("changing a role ends the account's sessions and is audited with before and after", async () => {
    await makeUser('ops2', 'operator');
    const res = await patchUser(request('PATCH', '/api/auth/users/ops2', 'boss', { role: 'approver' }), params('ops2'));
    expect(res.status).toBe(200);
    expect(await signedIn('ops2')).toBe(false);
    expect(await lastAudit()).toMatchObject({ type: 'user.role-changed', entry: { username: 'ops2', from: 'operator', to: 'approver', sessionsEnded: 1 } });
  });

  it('resetting a password replaces it, ends the sessions, and the new password must pass the rule', async () => {
    await makeUser('forgetful', 'viewer');
    expect((await resetPassword(request('POST', '/api/auth/users/forgetful/password', 'boss', { password: 'password1234' }), params('forgetful'))).status).toBe(
      400,
    );
    expect(await signedIn('forgetful')).toBe(true);
    expect(
      (await resetPassword(request('POST', '/api/auth/users/forgetful/password', 'boss', { password: 'a-fresh-long-passphrase' }), params('forgetful'))).status,
    ).toBe(200);
    expect(await signedIn('forgetful')).toBe(false);
    expect(await lastAudit()).toMatchObject({ type: 'user.password-reset', entry: { username: 'forgetful', sessionsEnded: 1 } });
    const { signInWithPassword } = await import('../../lib/auth/store/sign-in');
    await expect(signInWithPassword(await db(), { username: 'forgetful', password: 'forgetful-password-long' }, new Date(), '192.0.2.1')).rejects.toMatchObject(
      { code: 'unauthorized' },
    );
    await expect(
      signInWithPassword(await db(), { username: 'forgetful', password: 'a-fresh-long-passphrase' }, new Date(), '192.0.2.1'),
    ).resolves.toMatchObject({ user: { username: 'forgetful' } });
  });

  it('deleting an account removes it and its sessions, audited', async () => {
    await makeUser('leaver', 'operator');
    expect((await deleteUserRoute(request('DELETE', '/api/auth/users/leaver', 'boss'), params('leaver'))).status).toBe(200);
    expect(await signedIn('leaver')).toBe(false);
    expect((await (await db()).query(`select 1 from users where username = 'leaver'`)).rows).toEqual([]);
    expect(await lastAudit()).toMatchObject({ type: 'user.deleted', entry: { username: 'leaver', role: 'operator', sessionsEnded: 1 } });
    expect((await deleteUserRoute(request('DELETE', '/api/auth/users/leaver', 'boss'), params('leaver'))).status).toBe(404);
  });

  it('an identity-provider account can be disabled, but its role and password belong to the provider', async () => {
    expect((await patchUser(request('PATCH', '/api/auth/users/sso-user', 'boss', { role: 'admin' }), params('sso-user'))).status).toBe(409);
    expect(
      (await resetPassword(request('POST', '/api/auth/users/sso-user/password', 'boss', { password: 'a-fresh-long-passphrase' }), params('sso-user'))).status,
    ).toBe(409);
    expect((await patchUser(request('PATCH', '/api/auth/users/sso-user', 'boss', { disabled: true }), params('sso-user'))).status).toBe(200);
    expect(await signedIn('sso-user')).toBe(false);
  });

  it('nobody removes their own admin access, and the last admin stays an admin', async () => {
    for (const body of [{ disabled: true }, { role: 'viewer' }]) {
      expect((await patchUser(request('PATCH', '/api/auth/users/boss', 'boss', body), params('boss'))).status, JSON.stringify(body)).toBe(409);
    }
    expect((await deleteUserRoute(request('DELETE', '/api/auth/users/boss', 'boss'), params('boss'))).status).toBe(409);
    expect(await signedIn('boss')).toBe(true);
    // a second admin may demote the first, but then not be demoted by anyone: it is the last one
    await makeUser('boss2', 'admin');
    expect((await patchUser(request('PATCH', '/api/auth/users/boss', 'boss2', { role: 'operator' }), params('boss'))).status).toBe(200);
    expect((await patchUser(request('PATCH', '/api/auth/users/boss2', 'boss2', { role: 'operator' }), params('boss2'))).status).toBe(409);
  });

  it('only admins: a viewer and an operator are refused (403), and malformed changes are 400', async () => {
    for (const who of ['watcher', 'ops2']) {
      expect((await patchUser(request('PATCH', '/api/auth/users/ops', who, { disabled: true }), params('ops'))).status).toBe(who === 'ops2' ? 401 : 403);
    }
    expect((await patchUser(request('PATCH', '/api/auth/users/ops', 'boss2', { disabled: 'yes' }), params('ops'))).status).toBe(400);
    expect((await patchUser(request('PATCH', '/api/auth/users/ops', 'boss2', { disabled: true, role: 'admin' }), params('ops'))).status).toBe(400);
  });
});
