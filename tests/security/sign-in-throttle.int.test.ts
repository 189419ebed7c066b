import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startTempPostgres, type TempPostgres } from '../../agents/lease/testing/temp-postgres';
import { signInLimits, signInWindowMs } from '../../lib/auth/sign-in-limits';
import { migrate } from '../../lib/db/migrate';
import { openMemoryDb } from '../support/memory-db';
import { openPostgres } from '../../lib/db/postgres';
import type { Db } from '../../lib/db/types';
import { AppError } from '../../lib/errors';
import { verifyAuditLog } from '../../lib/audit/store/verify';
import { signInWithPassword } from '../../lib/auth/store/sign-in';
import { createLocalUser } from '../../lib/auth/store/users';

// Issue 14, findings 1, 6 and 7, against the real SQL of both stores. Requests run truly in parallel
// (Promise.all over the service every sign-in request calls; on PostgreSQL over a pool of 10
// connections), the way the server runs them: the limits must hold however the attempts interleave.

type Outcome = 'ok' | 'unauthorized' | 'rate_limited' | 'other';

async function attempt(db: Db, username: string, password: string, source: string, at: Date): Promise<Outcome> {
  try {
    await signInWithPassword(db, { username, password }, at, source);
    return 'ok';
  } catch (err) {
    if (err instanceof AppError && (err.code === 'unauthorized' || err.code === 'rate_limited')) return err.code;
    throw err;
  }
}

const checked = (outcomes: Outcome[]) => outcomes.filter((o) => o !== 'rate_limited').length;
const actor = { username: 'test', role: 'admin' } as const;

interface AuditRow {
  type: string;
  body: string;
}

async function auditRows(db: Db): Promise<AuditRow[]> {
  return (await db.query<AuditRow>('select type, body from audit_log order by seq')).rows;
}

function entries(rows: AuditRow[], type: string): Array<Record<string, unknown>> {
  return rows.filter((r) => r.type === type).map((r) => (JSON.parse(r.body) as { entry: Record<string, unknown> }).entry);
}

interface Store {
  db: Db;
  close(): Promise<void>;
}

const stores: Array<[string, () => Promise<Store>]> = [
  [
    'PGlite',
    async () => {
      const db = await openMemoryDb();
      return { db, close: () => db.close() };
    },
  ],
];
if (postgresAvailable()) {
  stores.push([
    'PostgreSQL',
    async () => {
      const server: TempPostgres = await startTempPostgres();
      const db = await openPostgres(server.url);
      await migrate(db);
      return {
        db,
        close: async () => {
          await db.close();
          await server.stop();
        },
      };
    },
  ]);
}

describe.each(stores)('sign-in limits on %s', (_name, open) => {
  let store: Store;
  const t0 = new Date('2026-11-26T06:00:00Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    store = await open();
    for (const username of ['alice', 'bob', 'carol', 'dave', ...Array.from({ length: 8 }, (_, i) => `member-${i}`)]) {
      await createLocalUser(store.db, { username, password: `${username}-correct-password`, role: 'operator', via: 'cli', actor, now: t0 });
    }
  }, 120_000);

  afterAll(async () => {
    expect(await verifyAuditLog(store.db)).toMatchObject({ ok: true });
    await store.close();
  });

  it('counts each attempt before checking its password: of 40 parallel guesses from one address, 5 are checked, and the right password sent 37th waits', async () => {
    const passwords = Array.from({ length: 40 }, (_, i) => (i === 36 ? 'alice-correct-password' : `alice-guess-${i}`));
    const outcomes = await Promise.all(passwords.map((p) => attempt(store.db, 'alice', p, '198.51.100.10', t0)));
    expect(checked(outcomes), outcomes.join(',')).toBe(signInLimits.perAccountAndSource);
    expect(outcomes[36]).toBe('rate_limited');
    expect(outcomes).not.toContain('ok');
    // one wrong-password record per checked guess, and one record per limit reached (not one per refusal)
    const rows = await auditRows(store.db);
    expect(entries(rows, 'user.sign-in-failed').filter((e) => e.username === 'alice')).toHaveLength(signInLimits.perAccountAndSource);
    const throttled = entries(rows, 'user.sign-in-throttled').filter((e) => e.source === '198.51.100.10');
    expect(throttled.map((e) => e.scope).sort()).toEqual(['account-and-source', 'source']);
  });

  it('limits each address across usernames: 200 parallel guesses over 40 names check at most 20', async () => {
    const names = [...Array.from({ length: 8 }, (_, i) => `member-${i}`), ...Array.from({ length: 32 }, (_, i) => `invented-${i}`)];
    const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(store.db, names[i % names.length]!, `guess-${i}`, '198.51.100.20', t0)));
    expect(checked(outcomes)).toBe(signInLimits.perSource);
    // and the address stays refused for the rest of the window, whichever name it tries
    expect(await attempt(store.db, 'member-0', 'member-0-correct-password', '198.51.100.20', later(60_000))).toBe('rate_limited');
    expect(await attempt(store.db, 'member-0', 'member-0-correct-password', '198.51.100.20', later(signInWindowMs + 1000))).toBe('ok');
  });

  it('wrong passwords lock out the address that sent them, not the account: its owner signs in from elsewhere', async () => {
    for (let i = 0; i < signInLimits.perAccountAndSource; i++)
      expect(await attempt(store.db, 'bob', `bob-guess-${i}`, '203.0.113.66', t0)).toBe('unauthorized');
    expect(await attempt(store.db, 'bob', 'bob-correct-password', '203.0.113.66', t0)).toBe('rate_limited');
    expect(await attempt(store.db, 'bob', 'bob-correct-password', '192.0.2.10', t0)).toBe('ok');
    // the failures name the account and the address they came from
    const failed = entries(await auditRows(store.db), 'user.sign-in-failed').filter((e) => e.username === 'bob');
    expect(failed).toHaveLength(signInLimits.perAccountAndSource);
    expect(new Set(failed.map((e) => e.source))).toEqual(new Set(['203.0.113.66']));
  });

  it("a guessing attack spread over many addresses pauses new addresses for that account only; the owner's usual address still gets in", async () => {
    expect(await attempt(store.db, 'carol', 'carol-correct-password', '192.0.2.20', t0)).toBe('ok');
    const attackers = Array.from(
      { length: Math.ceil(signInLimits.perAccountFromNewSources / signInLimits.perAccountAndSource) + 1 },
      (_, i) => `100.64.0.${i + 1}`,
    );
    const outcomes = await Promise.all(
      attackers.flatMap((source) =>
        Array.from({ length: signInLimits.perAccountAndSource }, (_, i) => attempt(store.db, 'carol', `carol-guess-${i}`, source, t0)),
      ),
    );
    expect(checked(outcomes)).toBe(signInLimits.perAccountFromNewSources);
    // someone new to the account waits for the window; the owner from her usual address does not
    expect(await attempt(store.db, 'carol', 'carol-correct-password', '192.0.2.99', later(1000))).toBe('rate_limited');
    expect(await attempt(store.db, 'carol', 'carol-correct-password', '192.0.2.20', later(1000))).toBe('ok');
    // other accounts are untouched
    expect(await attempt(store.db, 'dave', 'dave-correct-password', '192.0.2.99', later(1000))).toBe('ok');
    expect(await attempt(store.db, 'carol', 'carol-correct-password', '192.0.2.99', later(signInWindowMs + 2000))).toBe('ok');
  }, 120_000);

  it('sign-ins under invented usernames become one audit record per address and window, and the names never reach the log', async () => {
    const invented = Array.from({ length: 300 }, () => `zz-${randomBytes(6).toString('hex')}`);
    const base = later(2 * signInWindowMs);
    const outcomes = await Promise.all(invented.map((name, i) => attempt(store.db, name, `x-${i}`, '2001:db8:66:1::7', base)));
    expect(checked(outcomes)).toBe(signInLimits.perSource);
    // The window closes; the next sign-in (anyone's) writes its record.
    expect(await attempt(store.db, 'dave', 'dave-correct-password', '192.0.2.30', new Date(base.getTime() + signInWindowMs + 1000))).toBe('ok');
    const rows = await auditRows(store.db);
    const leaked = invented.filter((name) => rows.some((r) => r.body.includes(name)));
    expect(leaked, 'invented usernames in the audit log').toEqual([]);
    const aggregated = entries(rows, 'user.sign-in-failed-unknown').filter((e) => e.source === '2001:db8:66:1::/64');
    expect(aggregated).toHaveLength(1);
    expect(aggregated[0]).toMatchObject({ failures: signInLimits.perSource });
  });

  it("successful sign-ins do not use up an address's allowance (a NOC behind one address signs in all day)", async () => {
    const base = later(4 * signInWindowMs);
    for (let i = 0; i < signInLimits.perSource + 5; i++) expect(await attempt(store.db, 'dave', 'dave-correct-password', '192.0.2.40', base)).toBe('ok');
  });
});
