import { demoAdminPassword } from './password-policy';

// Who may sign in first, decided by `npm start` / `npm run demo` (scripts/demo.ts) before any server
// starts. The simulated demo keeps its zero-setup admin; a start against a real fleet never gets the
// demo's well-known password, and with no account at all it says how to create the first one.

export const demoAdmin = { username: 'admin', password: demoAdminPassword } as const;

export interface AccountsSeen {
  /** accounts in the store */
  users: number;
  /** local accounts whose password is the demo's (an earlier `npm run demo` in the same store) */
  withDemoPassword: string[];
}

export type FirstAdminDecision = { kind: 'start'; env: Record<string, string> } | { kind: 'refuse'; message: string };

export interface RealStartContext {
  env: Readonly<Record<string, string | undefined>>;
  seen: AccountsSeen;
  /** how to name the store in the instructions: the PGlite folder, or DATABASE_URL */
  userCreateArgs: string;
}

/** The simulated demo: FNH_ADMIN_* as given, else the demo admin. */
export function demoStartEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return { FNH_ADMIN_USER: env.FNH_ADMIN_USER ?? demoAdmin.username, FNH_ADMIN_PASSWORD: env.FNH_ADMIN_PASSWORD ?? demoAdmin.password };
}

/** A start against a real inventory. */
export function realStartDecision({ env, seen, userCreateArgs }: RealStartContext): FirstAdminDecision {
  if (env.FNH_ADMIN_PASSWORD === demoAdmin.password) {
    return {
      kind: 'refuse',
      message: `FNH_ADMIN_PASSWORD is the demo's published password; it is accepted for the simulated demo only. Choose another (12+ characters, not a common password).`,
    };
  }
  if (seen.withDemoPassword.length > 0) {
    return {
      kind: 'refuse',
      message:
        `the store already holds ${seen.withDemoPassword.join(', ')} with the demo's published password (left by \`npm run demo\` in the same data folder?). ` +
        `Start the real fleet with its own --data-dir (or DATABASE_URL), or delete that account first.`,
    };
  }
  if (seen.users === 0 && !(env.FNH_ADMIN_USER && env.FNH_ADMIN_PASSWORD)) {
    return {
      kind: 'refuse',
      message: [
        'no account exists yet, and FNH_ADMIN_USER / FNH_ADMIN_PASSWORD are not set. Create the first admin, then start again:',
        `  npm run user:create -- --username <your-name> ${userCreateArgs}    (reads the password from stdin)`,
        'or set both for this start (the account is created once, when there is none):',
        '  FNH_ADMIN_USER=<your-name> FNH_ADMIN_PASSWORD=<12+ characters> npm start -- --inventory …',
      ].join('\n'),
    };
  }
  // Only what the operator set: never the demo's defaults.
  const out: Record<string, string> = {};
  if (env.FNH_ADMIN_USER) out.FNH_ADMIN_USER = env.FNH_ADMIN_USER;
  if (env.FNH_ADMIN_PASSWORD) out.FNH_ADMIN_PASSWORD = env.FNH_ADMIN_PASSWORD;
  return { kind: 'start', env: out };
}
