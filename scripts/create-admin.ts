// npm run user:create -- --username alice [--role operator]
// Creates a local account (argon2id). The password is read from FNH_NEW_PASSWORD or, if unset, from
// the first line of stdin, never from the command line (it would show in `ps` and shell history).
// Default role: admin (the first admin of a fresh install). PGlite allows one opener: with the server
// running, an admin creates accounts through POST /api/auth/users instead.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { roleSchema } from '../lib/auth/roles';
import { openDb } from '../lib/db';
import { AppError } from '../lib/errors';
import { createLocalUser } from '../lib/auth/store/users';

const { values } = parseArgs({ options: { username: { type: 'string' }, role: { type: 'string', default: 'admin' }, 'data-dir': { type: 'string' } } });
const role = roleSchema.safeParse(values.role);
if (!values.username || !role.success) {
  console.error('usage: npm run user:create -- --username NAME [--role viewer|operator|approver|admin]');
  process.exit(2);
}
const password = process.env.FNH_NEW_PASSWORD ?? readFileSync(0, 'utf8').split('\n')[0] ?? '';
const db = await openDb({ dataDir: values['data-dir'] });
try {
  const user = await createLocalUser(db, {
    username: values.username,
    password,
    role: role.data,
    via: 'cli',
    actor: { username: 'cli', role: 'system' },
    now: new Date(),
  });
  console.log(`created ${user.username} (${user.role})`);
} catch (err) {
  console.error(err instanceof AppError ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.close();
}
