import 'server-only';
import { z } from 'zod';
import type { LoginInput } from '../credentials';
import { roleSchema } from '../roles';
import { getDb } from '../../db';
import { AppError } from '../../errors';
import { bootstrapAdminFromEnv } from './bootstrap-admin';
import { signOut } from './session';
import { signInWithPassword, type SignedIn } from './sign-in';
import { createLocalUser, deleteUser, listUsers, resetUserPassword, setUserDisabled, setUserRole, type UserRow } from './users';

// What the /api/auth route handlers call, after lib/http/route.ts checked CSRF, the session and the
// role: the signed-in user and the parsed input, never the request.

/** Password sign-in from `clientAddress` (counted per address and account before the password is checked). */
export async function signIn(input: LoginInput, clientAddress: string): Promise<SignedIn> {
  const db = await getDb();
  await bootstrapAdminFromEnv(db);
  return signInWithPassword(db, input, new Date(), clientAddress);
}

/** Ends the session a cookie names, if any. */
export async function signOutSession(token: string | undefined): Promise<void> {
  await signOut(await getDb(), token);
}

const actorOf = (admin: UserRow) => ({ username: admin.username, role: admin.role });

export const createUserSchema = z.object({ username: z.string(), password: z.string(), role: roleSchema });
export type CreateUserInput = z.infer<typeof createUserSchema>;

export async function createUser(admin: UserRow, input: CreateUserInput): Promise<UserRow> {
  return createLocalUser(await getDb(), { ...input, via: 'api', actor: actorOf(admin), now: new Date() });
}

export async function listAccounts(): Promise<UserRow[]> {
  return listUsers(await getDb());
}

/** The `[username]` segment of /api/auth/users/…: a name no account could have is simply not one. */
export const usernameParamsSchema = z.object({ username: z.string().min(1).max(64) });

export const updateUserSchema = z
  .object({ disabled: z.boolean().optional(), role: roleSchema.optional() })
  .strict()
  .refine((c) => (c.disabled === undefined) !== (c.role === undefined), 'send either disabled (boolean) or role, one change at a time');
export type UserChange = z.infer<typeof updateUserSchema>;

/** Admins disable or enable an account, or change its role: { disabled?, role? }. */
export async function updateUser(admin: UserRow, username: string, change: UserChange): Promise<UserRow> {
  const db = await getDb();
  const base = { username, actor: actorOf(admin), now: new Date() };
  if (change.role !== undefined) return setUserRole(db, { ...base, role: change.role });
  return setUserDisabled(db, { ...base, disabled: change.disabled === true });
}

export const resetPasswordSchema = z.object({ password: z.string() });

/** Admins set a new password for a local account. */
export async function resetPassword(admin: UserRow, username: string, password: string): Promise<UserRow> {
  return resetUserPassword(await getDb(), { username, password, actor: actorOf(admin), now: new Date() });
}

export async function removeUser(admin: UserRow, username: string): Promise<void> {
  await deleteUser(await getDb(), { username, actor: actorOf(admin), now: new Date() });
}

/** The refusals these inputs have always had (the admin page shows the message). */
export const userInputRefusals = {
  create: () => new AppError('bad_request', 'username, password and role are required'),
  update: (issues: ReadonlyArray<{ message: string }>) => new AppError('bad_request', issues[0]?.message ?? 'send either disabled (boolean) or role'),
  password: () => new AppError('bad_request', 'password is required'),
  login: () => new AppError('bad_request', 'username and password are required'),
  noSuchUser: () => new AppError('not_found', 'no such user'),
};
