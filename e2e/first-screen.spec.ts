import { expect, test } from '@playwright/test';
import { seedNode } from './auth-helpers';
import { expectInFirstScreen, keepScreenshot } from './screen';

// Issue 13 point 4: at 1440 × 900 (a NOC wall screen or a laptop) the first screen answers. The fleet page
// opens with counts by verdict, the problems new in the last 15 minutes and the fleet-wide patterns, each
// a link to the filtered grid; the seed node's page shows what is wrong, since when, why and the fitting
// action without scrolling, and its events are grouped, folded and filterable. Screenshots are kept.

const screen = { width: 1440, height: 900 };
test.use({ viewport: screen });

interface NodeApi {
  peers: { peer: string; verdict: string }[];
}

test.beforeEach(async ({ request }) => {
  // The seed node in its incident: the agent has polled it and its diagnosis sees the stale sessions.
  await expect
    .poll(async () => ((await (await request.get(`/api/nodes/${seedNode}`)).json()) as NodeApi).peers.some((p) => p.verdict === 'stale-session'), {
      timeout: 60_000,
    })
    .toBe(true);
});

test('the fleet page opens with counts by verdict, new problems and patterns, each linking to the filtered grid', async ({ page }) => {
  await page.goto('/');
  const headline = page.getByTestId('fleet-headline');
  const staleCount = headline.getByTestId('verdict-counts').locator('[data-verdict="stale-session"]');
  await expect(staleCount).toHaveText(/^[1-9]\d* stale-session$/);
  await expect(page.locator(`tr[data-node="${seedNode}"] [data-check="verdict"]`)).toHaveText('stale-session');
  await expectInFirstScreen(page, headline, 'the fleet headline');
  await expectInFirstScreen(page, page.getByTestId('new-problems'), 'the new-problems line');
  // Either pattern lines or the line saying there is none: the header always answers the question.
  await expectInFirstScreen(page, headline.locator('[data-testid="pattern"], [data-testid="no-pattern"]').first(), 'the patterns');
  await expectInFirstScreen(page, page.locator(`tr[data-node="${seedNode}"] [data-check="verdict"]`), "the seed node's verdict");
  await keepScreenshot(page, 'fleet-1440x900.png');

  // Every count is a link to the grid filtered to those nodes.
  await staleCount.click();
  await expect(page).toHaveURL(/[?&]verdict=stale-session/);
  const grid = page.getByRole('grid', { name: /fleet grid/i });
  await expect(grid.locator(`tr[data-node="${seedNode}"]`)).toBeVisible();
  for (const cell of await grid.locator('[data-check="verdict"]').all()) await expect(cell).toHaveText('stale-session');
});

test('the seed node’s first screen answers what is wrong, since when, why and what to do; the details follow', async ({ page }) => {
  await page.goto(`/nodes/${seedNode}`);
  const answer = page.getByTestId('answer');
  await expect(answer).toHaveAttribute('data-verdict', 'stale-session');
  await expect(answer.getByTestId('answer-headline')).toContainText('is not assigned to doublezero0');
  await expect(answer.getByTestId('answer-evidence')).toContainText('is on no interface of the node');
  await expect(answer.getByTestId('answer-since')).toContainText(/since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  const action = answer.getByTestId('answer-action');
  await expect(action).toHaveText('Restart doublezerod…');
  await expect(answer.getByTestId('answer-durable-fix')).toContainText('v0.8.1');

  await expectInFirstScreen(page, answer.getByTestId('answer-verdict'), 'the verdict');
  await expectInFirstScreen(page, answer.getByTestId('answer-since'), 'since when');
  await expectInFirstScreen(page, answer.getByTestId('answer-evidence'), 'the evidence');
  await expectInFirstScreen(page, action, 'the action button');
  await keepScreenshot(page, 'node-1440x900.png');

  // Interfaces, routes and events come after the answer.
  const answerBox = (await answer.boundingBox())!;
  for (const id of ['interfaces', 'routes', 'events']) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.y, `${id} below the answer`).toBeGreaterThan(answerBox.y + answerBox.height);
  }
  // The page is a few screens, not the 6,000 px event list it was.
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(3 * screen.height);

  // The action button opens the remediation with that action chosen for the verdict.
  await expect(action).toHaveAttribute('href', /^\/remediation\?node=dfw-mn-bm1&verdict=stale-session&action=restart-doublezerod$/);
});

test('the node’s events are grouped by message and session, folded, and filter by peer and level', async ({ page, request }) => {
  const node = (await (await request.get(`/api/nodes/${seedNode}`)).json()) as NodeApi;
  const stalePeer = node.peers.find((p) => p.verdict === 'stale-session')!.peer;
  await page.goto(`/nodes/${seedNode}`);
  const events = page.getByTestId('events');
  const groups = events.getByTestId('event-group');
  await expect(groups.first()).toBeVisible();
  // Folded: no group and no session is open until asked.
  expect(await events.locator('details[open]').count()).toBe(0);
  const warn = groups.filter({ hasText: 'liveness.scheduler: error writing UDP packet' });
  await expect(warn).toHaveCount(1);
  await expect(warn).toContainText(/×\d+/);
  await expect(warn).toContainText('network is unreachable');

  await events.getByLabel('Level').selectOption('WARN');
  await expect(page).toHaveURL(/[?&]level=WARN/);
  for (const g of await groups.all()) await expect(g).toHaveAttribute('data-level', 'WARN');

  await events.getByLabel('Peer').selectOption(stalePeer);
  await expect(page).toHaveURL(new RegExp(`[?&]peer=${stalePeer.replaceAll('.', '\\.')}`));
  await warn.locator('summary').first().click();
  const sessions = warn.getByTestId('event-session');
  await expect(sessions).not.toHaveCount(0);
  for (const s of await sessions.all()) await expect(s).toHaveAttribute('data-peer', stalePeer);
  // A session opens to its lines.
  await sessions.first().locator('summary').click();
  await expect(sessions.first().locator('tr').first()).toContainText('network is unreachable');
});
