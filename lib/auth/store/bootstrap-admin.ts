import 'server-only';
import type { Db } from '../../db';
import { AppError } from '../../errors';
import { countUsers, createLocalUser } from './users';

const systemActor = { username: 'system', role: 'system' } as const;

/**
 * First start: when there is no user at all and FNH_ADMIN_USER/FNH_ADMIN_PASSWORD are set, create that
 * admin. Never touches an existing user base, so changing the env later changes nothing. The password
 * must pass the same rule as any other; the demo's well-known password passes only when the fleet is
 * the simulated one (FNH_FLEET_SOURCE=simulated, set by scripts/demo.ts without --inventory).
 */
export async function bootstrapAdminFromEnv(
  db: Db,
  env: Readonly<Record<string, string | undefined>> = process.env,
  now = new Date(),
): Promise<'created' | 'skipped' | 'refused'> {
  const username = env.FNH_ADMIN_USER;
  const password = env.FNH_ADMIN_PASSWORD;
  if (!username || !password) return 'skipped';
  if ((await countUsers(db)) > 0) return 'skipped';
  try {
    await createLocalUser(db, {
      username,
      password,
      role: 'admin',
      via: 'env',
      actor: systemActor,
      now,
      allowDemoPassword: env.FNH_FLEET_SOURCE === 'simulated',
    });
    return 'created';
  } catch (err) {
    // two requests racing on first start: the other one created it
    if (err instanceof AppError && err.code === 'conflict') return 'skipped';
    // A refused FNH_ADMIN_* is the operator's to fix, not the reason a sign-in fails: say it where they look.
    if (err instanceof AppError && err.code === 'bad_request') {
      console.error(`FNH_ADMIN_USER/FNH_ADMIN_PASSWORD refused, no admin created: ${err.message}`);
      return 'refused';
    }
    throw err;
  }
}
