// What scripts/demo.ts needs to know about a real fleet's store before it starts the server: how many
// accounts there are, and whether any local one still has the demo's password. Opens the store the
// server is about to use (PGlite allows one opener, so before the server, and closes it again).
import { verify } from '@node-rs/argon2';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { demoAdmin, type AccountsSeen } from '../lib/auth/first-admin';
import { migrate } from '../lib/db/migrate';
import { openPglite } from '../lib/db/pglite';
import { openPostgres } from '../lib/db/postgres';

export async function inspectAccounts(store: { databaseUrl?: string; pgliteDir: string }): Promise<AccountsSeen> {
  // No embedded store yet (a first start): no account, and no reason to create the store just to look.
  if (!store.databaseUrl && !existsSync(path.join(store.pgliteDir, 'PG_VERSION'))) return { users: 0, withDemoPassword: [] };
  const db = store.databaseUrl ? await openPostgres(store.databaseUrl) : await openPglite(store.pgliteDir);
  try {
    await migrate(db);
    const rows = (await db.query<{ username: string; password_hash: string | null }>(`select username, password_hash from users where source = 'local'`)).rows;
    const users = (await db.query<{ n: number }>('select count(*)::int as n from users')).rows[0]?.n ?? 0;
    const withDemoPassword: string[] = [];
    for (const r of rows) {
      if (r.password_hash && (await verify(r.password_hash, demoAdmin.password).catch(() => false))) withDemoPassword.push(r.username);
    }
    return { users, withDemoPassword };
  } finally {
    await db.close();
  }
}
