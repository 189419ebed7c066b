import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieName } from '../../lib/auth/session-token';
import { sseReader } from '../../lib/live/sse-read';
import { openMigratedPgliteAt } from '../support/memory-db';

// GET /api/events is checked by proxy.ts once, when it opens, and then streams for hours. After sign-out
// (or an admin disabling the account) it must stop (issue 14, low finding): the real route handler,
// in-process, on a real PGlite store, re-checks its session (every 10 s by default; 1 s here, through
// FNH_SESSION_RECHECK_MS) and ends with `signed-out`.

type Get = (req: Request) => Promise<Response>;
let getEvents: Get;
let dataDir: string;
const savedEnv = { ...process.env };
const RECHECK_MS = 1_000;

async function db() {
  const { getDb } = await import('../../lib/db');
  return getDb();
}

async function session(username: string): Promise<string> {
  const { createLocalUser } = await import('../../lib/auth/store/users');
  const { openSession } = await import('../../lib/auth/store/sign-in');
  const store = await db();
  const user = await createLocalUser(store, {
    username,
    password: `${username}-password-long`,
    role: 'viewer',
    via: 'cli',
    actor: { username: 'test', role: 'admin' },
    now: new Date(),
  });
  return (await store.transaction((tx) => openSession(tx, user, 'password', new Date()))).token;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-sse-session-'));
  // the store the server opens, migrated already (from the copy the test stores share)
  await (await openMigratedPgliteAt(path.join(dataDir, 'pglite'))).close();
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  process.env.FNH_SESSION_RECHECK_MS = String(RECHECK_MS);
  delete process.env.DATABASE_URL;
  getEvents = ((await import('../../app/api/events/route')) as { GET: Get }).GET;
  await db(); // open and migrate the store here, not inside a timed test
}, 120_000);

afterAll(async () => {
  const { runShutdown } = await import('../../lib/shutdown');
  await runShutdown();
  (globalThis as { __fnhDb?: unknown; __fnhPollFanout?: unknown }).__fnhDb = undefined;
  (globalThis as { __fnhPollFanout?: unknown }).__fnhPollFanout = undefined;
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

/** The next event, or 'ended' when the stream closes, or 'still open' after `ms`. */
async function nextOrEnd(events: ReturnType<typeof sseReader>, ms: number): Promise<string> {
  return Promise.race([
    events.next().then(
      (e) => e.event,
      () => 'ended',
    ),
    new Promise<string>((resolve) => setTimeout(() => resolve('still open'), ms)),
  ]);
}

async function open(token: string): Promise<{ events: ReturnType<typeof sseReader>; abort: AbortController }> {
  const abort = new AbortController();
  const res = await getEvents(new Request('http://127.0.0.1:3100/api/events', { signal: abort.signal, headers: { cookie: `${sessionCookieName}=${token}` } }));
  expect(res.status).toBe(200);
  const events = sseReader(res.body as ReadableStream<Uint8Array>);
  expect((await events.next()).event).toBe('hello');
  return { events, abort };
}

describe('the live event stream lasts as long as its session', () => {
  it('ends within the re-check interval after sign-out, saying why', async () => {
    const token = await session('sse-viewer');
    const { events, abort } = await open(token);
    const { signOut } = await import('../../lib/auth/store/session');
    await signOut(await db(), token);
    const seen: string[] = [];
    // one re-check interval, plus slack for a loaded CI machine
    for (let e = await nextOrEnd(events, RECHECK_MS + 10_000); e !== 'ended' && e !== 'still open'; e = await nextOrEnd(events, RECHECK_MS + 10_000))
      seen.push(e);
    expect(seen).toContain('signed-out');
    expect(await nextOrEnd(events, 1_000)).toBe('ended');
    abort.abort();
  }, 90_000);

  it('keeps streaming while the session is valid', async () => {
    const token = await session('sse-stayer');
    const { events, abort } = await open(token);
    // three re-checks: the stream is still open, with no signed-out event
    expect(await nextOrEnd(events, 3 * RECHECK_MS + 500)).toBe('still open');
    abort.abort();
    await events.cancel();
  }, 90_000);
});
