import { test as base, request as playwrightRequest, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { e2eOrigin } from './port';

// Signed-in pages and API clients per role, for the auth and remediation specs.
// Users are created through the product's own API by the admin that scripts/demo.ts creates from
// FNH_ADMIN_USER / FNH_ADMIN_PASSWORD (POST /api/auth/users, admin only). Sign-in goes through the API and
// the session cookie is handed to the browser as storageState, so no spec depends on the login form
// except the one that tests it.

export const seedNode = 'dfw-mn-bm1';

export type Who = 'admin' | 'viewer' | 'operator' | 'operator2' | 'approver';
const roleOf: Record<Exclude<Who, 'admin'>, string> = { viewer: 'viewer', operator: 'operator', operator2: 'operator', approver: 'approver' };

export function credentials(who: Who): { username: string; password: string } {
  if (who === 'admin') return { username: process.env.FNH_ADMIN_USER ?? 'admin', password: process.env.FNH_ADMIN_PASSWORD ?? 'admin-demo-password' };
  return { username: `e2e-${who}`, password: `e2e-${who}-password-long` };
}

export function baseUrl(): string {
  return e2eOrigin;
}

/** An API client with a session; it sends Origin like a browser would (the server refuses mutations without it). */
export async function apiAs(who: Who): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL: baseUrl(), extraHTTPHeaders: { origin: baseUrl() } });
  const res = await ctx.post('/api/auth/login', { data: credentials(who) });
  if (!res.ok()) throw new Error(`sign-in as ${who} failed: ${res.status()} ${await res.text()}`);
  return ctx;
}

let usersReady: Promise<void> | undefined;

/** Creates the e2e accounts once per run (a 409 means an earlier run on a reused server made them). */
export function ensureUsers(): Promise<void> {
  usersReady ??= (async () => {
    const admin = await apiAs('admin');
    for (const [who, role] of Object.entries(roleOf)) {
      const res = await admin.post('/api/auth/users', { data: { ...credentials(who as Who), role } });
      if (!res.ok() && res.status() !== 409) throw new Error(`creating ${who} failed: ${res.status()} ${await res.text()}`);
    }
    await admin.dispose();
  })();
  return usersReady;
}

async function pageAs(browser: Browser, who: Who): Promise<Page> {
  await ensureUsers();
  const api = await apiAs(who);
  const storageState = await api.storageState();
  await api.dispose();
  const context = await browser.newContext({ storageState, baseURL: baseUrl() });
  return context.newPage();
}

export const test = base.extend<{ as: (who: Who) => Promise<Page> }>({
  as: async ({ browser }, provide) => {
    const pages: Page[] = [];
    await provide(async (who) => {
      const p = await pageAs(browser, who);
      pages.push(p);
      return p;
    });
    for (const p of pages) await p.context().close();
  },
});
export { expect } from '@playwright/test';
