import 'server-only';
import { z } from 'zod';
import { roleSchema } from '../auth/roles';
import { sessionCookieName } from '../auth/session-token';
import { getDb } from '../db';
import { AppError } from '../errors';
import { bootstrapAdminFromEnv } from './auth-bootstrap-admin';
import { requestClientAddress } from './auth-client-address';
import { authorize, checkCsrf, readCookie } from './auth-request';
import { signOut } from './auth-session';
import { signInWithPassword, type SignedIn } from './auth-sign-in';
import { createLocalUser, deleteUser, listUsers, resetUserPassword, setUserDisabled, setUserRole, type UserRow } from './auth-users';

// What the /api/auth route handlers call: gate (CSRF, session, role) + store + service.

export async function signInRequest(request: Request, body: unknown): Promise<SignedIn> {
  // Sign-in is itself a mutation (login CSRF): same origin only.
  checkCsrf(request);
  const source = requestClientAddress(request);
  const db = await getDb();
  await bootstrapAdminFromEnv(db);
  return signInWithPassword(db, body, new Date(), source);
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

const usernameParam = z.string().min(1).max(64);
const updateUserSchema = z
  .object({ disabled: z.boolean().optional(), role: roleSchema.optional() })
  .strict()
  .refine((c) => (c.disabled === undefined) !== (c.role === undefined), 'send either disabled (boolean) or role, one change at a time');

function targetName(raw: string): string {
  const name = usernameParam.safeParse(raw);
  if (!name.success) throw new AppError('not_found', 'no such user');
  return name.data;
}

/** Admins disable or enable an account, or change its role: { disabled?, role? }. */
export async function updateUserRequest(request: Request, username: string, body: unknown): Promise<UserRow> {
  const admin = await authorize(request, 'user.manage');
  const change = updateUserSchema.safeParse(body);
  if (!change.success) throw new AppError('bad_request', change.error.issues[0]?.message ?? 'send either disabled (boolean) or role');
  const db = await getDb();
  const base = { username: targetName(username), actor: { username: admin.username, role: admin.role }, now: new Date() };
  if (change.data.role !== undefined) return setUserRole(db, { ...base, role: change.data.role });
  return setUserDisabled(db, { ...base, disabled: change.data.disabled === true });
}

const resetPasswordSchema = z.object({ password: z.string() });

/** Admins set a new password for a local account: { password }. */
export async function resetPasswordRequest(request: Request, username: string, body: unknown): Promise<UserRow> {
  const admin = await authorize(request, 'user.manage');
  const input = resetPasswordSchema.safeParse(body);
  if (!input.success) throw new AppError('bad_request', 'password is required');
  return resetUserPassword(await getDb(), { username: targetName(username), password: input.data.password, actor: { username: admin.username, role: admin.role }, now: new Date() });
}

export async function deleteUserRequest(request: Request, username: string): Promise<void> {
  const admin = await authorize(request, 'user.manage');
  await deleteUser(await getDb(), { username: targetName(username), actor: { username: admin.username, role: admin.role }, now: new Date() });
}
