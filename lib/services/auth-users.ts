import 'server-only';
import { randomUUID } from 'node:crypto';
import { passwordSchema, usernameSchema } from '../auth/credentials';
import type { Role } from '../auth/roles';
import type { AuditActor } from '../audit/entry';
import type { Queryable } from '../db';
import { AppError } from '../errors';
import { appendAudit } from './audit-append';
import { hashPassword } from './auth-password';

export interface UserRow {
  id: string;
  username: string;
  role: Role;
  source: 'local' | 'oidc';
  disabled: boolean;
}

export const userColumns = 'id, username, role, source, disabled';

export interface CreateLocalUser {
  username: string;
  password: string;
  role: Role;
  via: 'env' | 'cli' | 'api';
  actor: AuditActor;
  now: Date;
}

/** Creates a local account (argon2id hash) and its audit record in one transaction. */
export async function createLocalUser(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, input: CreateLocalUser): Promise<UserRow> {
  const username = usernameSchema.safeParse(input.username);
  if (!username.success) throw new AppError('bad_request', `username: ${username.error.issues[0]?.message}`);
  const password = passwordSchema.safeParse(input.password);
  if (!password.success) throw new AppError('bad_request', `password: ${password.error.issues[0]?.message}`);
  const passwordHash = await hashPassword(password.data);
  return db.transaction(async (tx) => {
    const inserted = await tx.query<UserRow>(
      `insert into users (id, username, password_hash, role, source) values ($1, $2, $3, $4, 'local')
       on conflict (username) do nothing returning ${userColumns}`,
      [randomUUID(), username.data, passwordHash, input.role],
    );
    const user = inserted.rows[0];
    if (!user) throw new AppError('conflict', `user ${username.data} already exists`);
    await appendAudit(tx, { at: input.now, actor: input.actor, node: null, entry: { type: 'user.created', username: user.username, role: user.role, via: input.via } });
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
