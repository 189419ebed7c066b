import 'server-only';
import { z } from 'zod';
import { roleSchema } from '../auth/roles';
import { sessionCookieName } from '../auth/session-token';
import { getDb } from '../db';
import { AppError } from '../errors';
import { bootstrapAdminFromEnv } from './auth-bootstrap-admin';
import { authorize, checkCsrf, readCookie } from './auth-request';
import { signOut } from './auth-session';
import { signInWithPassword, type SignedIn } from './auth-sign-in';
import { createLocalUser, listUsers, type UserRow } from './auth-users';

// What the /api/auth route handlers call: gate (CSRF, session, role) + store + service.

export async function signInRequest(request: Request, body: unknown): Promise<SignedIn> {
  // Sign-in is itself a mutation (login CSRF): same origin only.
  checkCsrf(request);
  const db = await getDb();
  await bootstrapAdminFromEnv(db);
  return signInWithPassword(db, body, new Date());
}

export async function signOutRequest(request: Request): Promise<void> {
  checkCsrf(request);
  await signOut(await getDb(), readCookie(request, sessionCookieName));
}

export async function whoAmI(request: Request): Promise<UserRow> {
  return authorize(request, 'fleet.view');
}

const createUserSchema = z.object({ username: z.string(), password: z.string(), role: roleSchema });

export async function createUserRequest(request: Request, body: unknown): Promise<UserRow> {
  const admin = await authorize(request, 'user.manage');
  const input = createUserSchema.safeParse(body);
  if (!input.success) throw new AppError('bad_request', 'username, password and role are required');
  return createLocalUser(await getDb(), { ...input.data, via: 'api', actor: { username: admin.username, role: admin.role }, now: new Date() });
}

export async function listUsersRequest(request: Request): Promise<UserRow[]> {
  await authorize(request, 'user.manage');
  return listUsers(await getDb());
}
