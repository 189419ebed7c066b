import 'server-only';
import { randomUUID } from 'node:crypto';
import { usernameSchema } from '../credentials';
import { passwordRefusal } from '../password-policy';
import type { Role } from '../roles';
import type { AuditActor } from '../../audit/entry';
import type { Queryable } from '../../db';
import { AppError } from '../../errors';
import { appendAudit } from '../../audit/store/append';
import { hashPassword } from './password';

export interface UserRow {
  id: string;
  username: string;
  role: Role;
  source: 'local' | 'oidc';
  disabled: boolean;
}

export const userColumns = 'id, username, role, source, disabled';

type Transactional = { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> };

export interface CreateLocalUser {
  username: string;
  password: string;
  role: Role;
  via: 'env' | 'cli' | 'api';
  actor: AuditActor;
  now: Date;
  /** only the simulated demo's first admin (scripts/demo.ts) */
  allowDemoPassword?: boolean;
}

function checkPassword(password: string, allowDemoPassword = false): void {
  const refusal = passwordRefusal(password, { allowDemoPassword });
  if (refusal) throw new AppError('bad_request', `password: ${refusal}`);
}

/** Creates a local account (argon2id hash) and its audit record in one transaction. */
export async function createLocalUser(db: Transactional, input: CreateLocalUser): Promise<UserRow> {
  const username = usernameSchema.safeParse(input.username);
  if (!username.success) throw new AppError('bad_request', `username: ${username.error.issues[0]?.message}`);
  checkPassword(input.password, input.allowDemoPassword);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const inserted = await tx.query<UserRow>(
      `insert into users (id, username, password_hash, role, source) values ($1, $2, $3, $4, 'local')
       on conflict (username) do nothing returning ${userColumns}`,
      [randomUUID(), username.data, passwordHash, input.role],
    );
    const user = inserted.rows[0];
    if (!user) throw new AppError('conflict', `user ${username.data} already exists`);
    await appendAudit(tx, {
      at: input.now,
      actor: input.actor,
      node: null,
      entry: { type: 'user.created', username: user.username, role: user.role, via: input.via },
    });
    return user;
  });
}

export async function countUsers(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('select count(*)::int as n from users');
  return r.rows[0]?.n ?? 0;
}

export async function listUsers(db: Queryable): Promise<UserRow[]> {
  return (await db.query<UserRow>(`select ${userColumns} from users order by username`)).rows;
}

// ---- Administration by an admin (app/api/auth/users/[username]). Every change is audited in its own
// transaction and ends the account's open sessions, so it takes effect on the very next request.

export interface AdminChange {
  username: string;
  actor: AuditActor;
  now: Date;
}

async function endSessions(tx: Queryable, userId: string): Promise<number> {
  return (await tx.query('delete from sessions where user_id = $1 returning token_hash', [userId])).rows.length;
}

/**
 * Locks the target row and every enabled admin row (so two admins demoting each other at once cannot
 * both succeed), then refuses a change that would leave no enabled admin, or that an admin makes to
 * their own access (another admin must do that, so nobody locks themselves out by a slip).
 */
async function lockTarget(tx: Queryable, change: AdminChange, removesAdmin: boolean): Promise<UserRow> {
  await tx.query(`select id from users where role = 'admin' and not disabled order by id for update`);
  const found = await tx.query<UserRow>(`select ${userColumns} from users where username = $1 for update`, [change.username]);
  const user = found.rows[0];
  if (!user) throw new AppError('not_found', `no user ${change.username}`);
  if (removesAdmin && user.role === 'admin' && !user.disabled) {
    if (user.username === change.actor.username) throw new AppError('conflict', 'you cannot remove your own admin access; ask another admin');
    const others = await tx.query<{ n: number }>(`select count(*)::int as n from users where role = 'admin' and not disabled and id <> $1`, [user.id]);
    if ((others.rows[0]?.n ?? 0) === 0) throw new AppError('conflict', `${user.username} is the last admin`);
  }
  return user;
}

export async function setUserDisabled(db: Transactional, change: AdminChange & { disabled: boolean }): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const user = await lockTarget(tx, change, change.disabled);
    if (user.username === change.actor.username && change.disabled) throw new AppError('conflict', 'you cannot disable your own account; ask another admin');
    if (user.disabled === change.disabled) return user;
    const updated = (await tx.query<UserRow>(`update users set disabled = $2 where id = $1 returning ${userColumns}`, [user.id, change.disabled])).rows[0]!;
    if (change.disabled) {
      const sessionsEnded = await endSessions(tx, user.id);
      await appendAudit(tx, { at: change.now, actor: change.actor, node: null, entry: { type: 'user.disabled', username: user.username, sessionsEnded } });
    } else {
      await appendAudit(tx, { at: change.now, actor: change.actor, node: null, entry: { type: 'user.enabled', username: user.username } });
    }
    return updated;
  });
}

export async function setUserRole(db: Transactional, change: AdminChange & { role: Role }): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const user = await lockTarget(tx, change, change.role !== 'admin');
    // An OIDC account's role is read from the identity provider's claim at every sign-in.
    if (user.source === 'oidc')
      throw new AppError('conflict', `${user.username} signs in through the identity provider, which sets its role (FNH_OIDC_ROLE_MAP)`);
    if (user.role === change.role) return user;
    const updated = (await tx.query<UserRow>(`update users set role = $2 where id = $1 returning ${userColumns}`, [user.id, change.role])).rows[0]!;
    const sessionsEnded = await endSessions(tx, user.id);
    await appendAudit(tx, {
      at: change.now,
      actor: change.actor,
      node: null,
      entry: { type: 'user.role-changed', username: user.username, from: user.role, to: change.role, sessionsEnded },
    });
    return updated;
  });
}

export async function resetUserPassword(db: Transactional, change: AdminChange & { password: string }): Promise<UserRow> {
  checkPassword(change.password);
  const passwordHash = await hashPassword(change.password);
  return db.transaction(async (tx) => {
    const user = await lockTarget(tx, change, false);
    if (user.source === 'oidc') throw new AppError('conflict', `${user.username} signs in through the identity provider and has no password here`);
    await tx.query('update users set password_hash = $2 where id = $1', [user.id, passwordHash]);
    const sessionsEnded = await endSessions(tx, user.id);
    await appendAudit(tx, { at: change.now, actor: change.actor, node: null, entry: { type: 'user.password-reset', username: user.username, sessionsEnded } });
    return user;
  });
}

export async function deleteUser(db: Transactional, change: AdminChange): Promise<void> {
  await db.transaction(async (tx) => {
    const user = await lockTarget(tx, change, true);
    if (user.username === change.actor.username) throw new AppError('conflict', 'you cannot delete your own account; ask another admin');
    // The provider would simply create it again at its next sign-in: disabling is what keeps it out.
    if (user.source === 'oidc') throw new AppError('conflict', `${user.username} signs in through the identity provider; disable it instead`);
    const sessionsEnded = await endSessions(tx, user.id);
    await tx.query('delete from users where id = $1', [user.id]);
    await appendAudit(tx, {
      at: change.now,
      actor: change.actor,
      node: null,
      entry: { type: 'user.deleted', username: user.username, role: user.role, sessionsEnded },
    });
  });
}
