import { devices, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { fingerprintOf, notification } from '../tests/alerting/testing/alertmanager-payload';
import { e2eAlertmanagerToken } from './alertmanager-token';
import { apiAs, baseUrl, credentials, ensureUsers, expect, seedNode, test, type Who } from './auth-helpers';
import { expectInFirstScreen, keepScreenshot } from './screen';
import { reproduceSeedIncident } from './seed-incident';

// Issue 16: on-call from a phone. Playwright's iPhone 13 profile (390 × 664 CSS px, scale 3, touch, mobile,
// its user agent) in Debian Chromium: playwright.config.ts's launch options stay, only the browser type the
// profile names (WebKit) is left out. Screenshots of every step are kept as test artifacts.

const { defaultBrowserType: _webkit, ...iPhone13 } = devices['iPhone 13'];
const phone = iPhone13.viewport;
test.use({ ...iPhone13, storageState: { cookies: [], origins: [] } });

interface NodeApi {
  summary: { collectedAt: string | null };
  peers: { peer: string; verdict: string }[];
}

test.beforeAll(async () => {
  await ensureUsers();
});

// The last test fixes the seed node (so it runs last here); the specs after this one expect the incident.
test.afterAll(async () => {
  await reproduceSeedIncident(seedNode);
});

async function seedStalePeer(): Promise<{ node: NodeApi; peer: string }> {
  const api = await apiAs('viewer');
  let found: { node: NodeApi; peer: string } | null = null;
  await expect
    .poll(
      async () => {
        const node = (await (await api.get(`/api/nodes/${seedNode}`)).json()) as NodeApi;
        const peer = node.peers.find((p) => p.verdict === 'stale-session')?.peer;
        found = peer ? { node, peer } : null;
        return Boolean(peer);
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  await api.dispose();
  return found!;
}

/** A phone already signed in as `who` (the iPhone 13 profile, like the page fixture). */
async function phoneAs(browser: Browser, who: Who): Promise<{ context: BrowserContext; page: Page }> {
  const api = await apiAs(who);
  const storageState = await api.storageState();
  await api.dispose();
  const context = await browser.newContext({ ...iPhone13, storageState, baseURL: baseUrl() });
  return { context, page: await context.newPage() };
}

/** Nothing on the page lays out wider than the phone (the browser would zoom out and shrink the text). */
async function expectFitsThePhone(page: Page, what: string) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${what}: layout width`).toBeLessThanOrEqual(phone.width);
}

async function postAlert(peer: string, startsAt: string): Promise<string> {
  const api = await apiAs('viewer');
  const res = await api.post('/api/alerts/alertmanager', {
    headers: { authorization: `Bearer ${e2eAlertmanagerToken}` },
    data: notification([
      {
        fingerprint: fingerprintOf(Date.now()),
        labels: { node: seedNode, peer },
        annotations: { summary: `${seedNode} cannot reach ${peer}: stale-session` },
        startsAt,
      },
    ]),
  });
  expect(res.status()).toBe(200);
  const answer = (await res.json()) as { alerts: { triageUrl: string | null }[] };
  await api.dispose();
  const url = answer.alerts[0]?.triageUrl;
  if (!url) throw new Error('no triage URL in the webhook answer');
  return url;
}

test('no page lays out wider than the phone; the menu opens and closes; the Simulated fleet badge stays', async ({ browser }) => {
  const { peer } = await seedStalePeer();
  const { context, page } = await phoneAs(browser, 'admin');
  const pages: [string, string, () => Locator][] = [
    ['fleet', '/', () => page.getByRole('grid', { name: /fleet grid/i })],
    ['fleet-pane', `/?node=${seedNode}&check=verdict`, () => page.getByTestId('detail-pane').getByTestId('answer')],
    ['node', `/nodes/${seedNode}`, () => page.getByTestId('answer')],
    ['node-unreachable', '/nodes/sin-mn-bm1', () => page.getByTestId('answer')],
    ['peers', '/peers', () => page.getByTestId('peer-grid')],
    ['cell', `/peers?node=${seedNode}&peer=${encodeURIComponent(peer)}`, () => page.getByTestId('detail-pane').getByTestId('answer')],
    ['alerts', '/alerts', () => page.getByRole('heading', { name: 'Alerts' })],
    ['remediation', `/remediation?node=${seedNode}&verdict=stale-session`, () => page.getByRole('button', { name: 'Preview' })],
    ['remediations', '/remediation', () => page.getByRole('region', { name: 'Recent remediations' })],
    ['audit', '/audit', () => page.getByRole('table', { name: 'Audit records' })],
    ['accounts', '/admin/users', () => page.getByRole('heading', { name: 'Accounts' })],
  ];
  for (const [name, path, ready] of pages) {
    await page.goto(path);
    await expect(ready()).toBeVisible();
    await expect(page.getByText('Simulated fleet'), name).toBeVisible();
    await expectFitsThePhone(page, name);
    await keepScreenshot(page, `page-${name}.png`);
  }

  // The navigation is one "Menu" button; it opens, follows a link and closes.
  await page.goto('/');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  const menu = page.getByRole('button', { name: 'Menu' });
  await expectInFirstScreen(page, menu, 'the menu button');
  await menu.tap();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();
  for (const label of ['Fleet', 'Peers', 'Alerts', 'Remediation', 'Audit', 'Accounts'])
    await expectInFirstScreen(page, nav.getByRole('link', { name: label }), `menu ${label}`);
  await keepScreenshot(page, 'menu-open.png');
  await nav.getByRole('link', { name: 'Alerts' }).tap();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await context.close();

  // Signed out, the sign-in page fits too.
  const signedOut = await browser.newContext({ ...iPhone13, baseURL: baseUrl() });
  const login = await signedOut.newPage();
  await login.goto('/login');
  await expect(login.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectFitsThePhone(login, 'login');
  await signedOut.close();
});

test('the fleet grid on a phone: node, worst verdict and warning rate first, the other checks scroll inside the table', async ({ browser }) => {
  await seedStalePeer();
  const { context, page } = await phoneAs(browser, 'viewer');
  await page.goto('/');
  const grid = page.getByRole('grid', { name: /fleet grid/i });
  const row = grid.locator(`tr[data-node="${seedNode}"]`);
  await expect(row.locator('[data-check="verdict"]')).toHaveText('stale-session');
  const headers = await grid.locator('thead th').allInnerTexts();
  expect(headers.slice(0, 3).map((h) => h.replace(/[▲▼]/g, '').trim())).toEqual(['node', 'worst verdict', 'warnings / min']);
  for (const cell of [row.locator('td').first(), row.locator('[data-check="verdict"]'), row.locator('[data-check="warnings"]')]) {
    const box = (await cell.boundingBox())!;
    expect(box.x + box.width, 'in view without scrolling sideways').toBeLessThanOrEqual(phone.width);
  }
  // The other checks are there, behind a sideways scroll of the table alone.
  const scroller = page.getByTestId('fleet-grid-scroll');
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await expectFitsThePhone(page, 'fleet grid');
  await keepScreenshot(page, 'fleet-grid.png');
  await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
  await expect(row.locator('[data-check="link"]')).toBeInViewport();
  // the node column stays pinned while the checks scroll
  await expect(row.getByRole('link', { name: seedNode })).toBeInViewport();
  await keepScreenshot(page, 'fleet-grid-scrolled.png');

  // A tap on the verdict opens the node's answer over the grid, under the header, with the answer first.
  await scroller.evaluate((el) => el.scrollTo({ left: 0 }));
  await row.locator('[data-check="verdict"]').tap();
  const pane = page.getByTestId('detail-pane');
  await expect(pane.getByTestId('answer')).toHaveAttribute('data-verdict', 'stale-session');
  await expectInFirstScreen(page, pane.getByTestId('answer-action'), 'the pane’s action');
  await expect(page.getByText('Simulated fleet')).toBeInViewport();
  await keepScreenshot(page, 'fleet-pane.png');
  await pane.getByRole('button', { name: 'Close detail' }).tap();
  await expect(pane).toHaveCount(0);
  await context.close();
});

test('the node page on a phone: the answer first, the details folded below it', async ({ browser }) => {
  await seedStalePeer();
  const { context, page } = await phoneAs(browser, 'viewer');
  await page.goto(`/nodes/${seedNode}`);
  const answer = page.getByTestId('answer');
  await expect(answer).toHaveAttribute('data-verdict', 'stale-session');
  await expectInFirstScreen(page, answer.getByTestId('answer-verdict'), 'the verdict');
  await expectInFirstScreen(page, answer.getByTestId('answer-since'), 'since when');
  await expectInFirstScreen(page, answer.getByTestId('answer-evidence'), 'the evidence');
  await expectInFirstScreen(page, answer.getByTestId('answer-action'), 'the action');
  for (const id of ['node-facts', 'evidence-section', 'events-section', 'state-section']) {
    await expect(page.getByTestId(id), `${id} folded`).not.toHaveAttribute('open');
  }
  await keepScreenshot(page, 'node.png');
  // Unfolded on demand, and still no wider than the phone.
  await page.getByTestId('state-section').locator('summary').first().tap();
  await expect(page.getByTestId('interfaces').getByRole('cell', { name: 'doublezero0', exact: true })).toBeVisible();
  await expectFitsThePhone(page, 'node with its tables');
  await context.close();
});

test('from an Alertmanager triage link, signed out, to the answer in the first screen and through a remediation to its verified state', async ({ page }) => {
  const { node, peer } = await seedStalePeer();
  const triageUrl = await postAlert(peer, new Date(Date.parse(node.summary.collectedAt ?? new Date().toISOString()) + 1).toISOString());

  // The paging app opens the link; the phone is signed out.
  await page.goto(triageUrl);
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByText('Simulated fleet')).toBeVisible();
  await expectFitsThePhone(page, 'sign-in');
  await keepScreenshot(page, '1-sign-in.png');
  await page.getByLabel('Username').fill(credentials('operator').username);
  await page.getByLabel('Password').fill(credentials('operator').password);
  await page.getByRole('button', { name: 'Sign in' }).tap();

  // Back on the triage link: the answer is the first screen.
  await expect(page).toHaveURL(new URL(triageUrl).pathname);
  const answer = page.getByTestId('answer');
  await expect(answer).toHaveAttribute('data-verdict', 'stale-session');
  await expect(answer.getByTestId('answer-evidence')).toContainText('not assigned');
  const action = answer.getByTestId('answer-action');
  await expect(action).toHaveText('Restart doublezerod…');
  await expectInFirstScreen(page, answer.getByTestId('answer-verdict'), 'the verdict');
  await expectInFirstScreen(page, answer.getByTestId('answer-since'), 'since when');
  await expectInFirstScreen(page, answer.getByTestId('answer-evidence'), 'the evidence');
  await expectInFirstScreen(page, action, 'the action');
  await expect(page.getByText('Simulated fleet')).toBeVisible();
  await expectFitsThePhone(page, 'triage');
  await keepScreenshot(page, '2-triage-answer.png');

  // The fitting action: preview, reason, confirm, live output, verified.
  await action.tap();
  await expect(page).toHaveURL(/\/remediation\?node=dfw-mn-bm1&verdict=stale-session&action=restart-doublezerod&peer=/);
  await expect(page.getByLabel('Action')).toHaveValue('restart-doublezerod');
  await page.getByRole('button', { name: 'Preview' }).tap();
  const commands = page.getByTestId('preview-commands');
  await expect(commands).toHaveText('sudo -n systemctl restart doublezerod');
  await expectFitsThePhone(page, 'preview');
  await keepScreenshot(page, '3-preview.png');
  await page.getByLabel('Reason').fill('paged: stale sessions after a reconnect without -a');
  const confirm = page.getByRole('button', { name: 'Confirm and run' });
  await confirm.scrollIntoViewIfNeeded();
  await keepScreenshot(page, '4-reason.png');
  await confirm.tap();
  const run = page.getByTestId(`run-${seedNode}`);
  await expect(run.getByRole('status')).toHaveAttribute('data-state', /running|verified/);
  await keepScreenshot(page, '5-running.png');
  await expect(run.getByRole('status')).toHaveAttribute('data-state', 'verified', { timeout: 45_000 });
  await expect(run).toContainText('$ sudo -n systemctl restart doublezerod → exit 0');
  await run.scrollIntoViewIfNeeded();
  // Readable: the outcome lies within the phone's width, and nothing made the page wider.
  const box = (await run.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(phone.width);
  await expectFitsThePhone(page, 'verified');
  await keepScreenshot(page, '6-verified.png');
});
