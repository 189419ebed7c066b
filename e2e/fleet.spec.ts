import { expect, test } from '@playwright/test';

// Issue 2: the fleet page shows every simulated node, and the seed node's page shows its warnings.
test('fleet page lists every simulated node; the seed node shows its liveness warnings', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.getByText('Simulated fleet')).toBeVisible();

  // The inventory the demo generated is the truth for "every node": the API lists it, the page must show it.
  const fleet = (await (await request.get('/api/fleet')).json()) as { source: string; nodes: { name: string }[] };
  expect(fleet.source).toBe('simulated');
  expect(fleet.nodes.length).toBeGreaterThanOrEqual(12);
  const grid = page.getByRole('grid', { name: /fleet grid/i });
  for (const { name } of fleet.nodes) {
    await expect(grid.getByRole('link', { name, exact: true })).toBeVisible();
  }

  // Stale or missing data is never shown green: every poll cell is ok only with fresh data.
  await expect(grid.locator('[data-check="poll"][data-status="ok"]').first()).toBeVisible();

  await grid.getByRole('link', { name: 'dfw-mn-bm1', exact: true }).click();
  await expect(page).toHaveURL(/\/nodes\/dfw-mn-bm1$/);
  await expect(page.getByRole('heading', { name: 'dfw-mn-bm1' })).toBeVisible();
  // The seed node logs "network is unreachable" warnings: its count is a positive number.
  await expect(page.getByTestId('node-warnings')).toHaveText(/liveness warnings \(15 min\): [1-9]\d*/);
  await expect(page.getByTestId('interfaces').getByRole('cell', { name: 'doublezero0', exact: true })).toBeVisible();
  await expect(page.getByTestId('addresses')).toContainText('doublezero0');
  await expect(page.getByTestId('routes')).toContainText('doublezero0');
  await expect(page.getByTestId('events')).toContainText('network is unreachable');
});

test('an unknown node is a 404 in the API and a clear message on the page', async ({ page, request }) => {
  expect((await request.get('/api/nodes/no-such-node')).status()).toBe(404);
  await page.goto('/nodes/no-such-node');
  await expect(page.getByRole('alert').filter({ hasText: 'No node named' })).toContainText('no-such-node');
});

test('fleet grid view state lives in the URL: search and verdict filter survive a reload', async ({ page }) => {
  await page.goto('/');
  const grid = page.getByRole('grid', { name: /fleet grid/i });
  await expect(grid.getByRole('link', { name: 'dfw-mn-bm1', exact: true })).toBeVisible();
  await page.getByRole('searchbox').fill('dfw');
  await expect(page).toHaveURL(/q=dfw/);
  await page.reload();
  await expect(page.getByRole('searchbox')).toHaveValue('dfw');
  await expect(grid.getByRole('link')).toHaveCount(1);

  // Keyboard: the node cell is a focus stop, arrows walk the checks, Enter opens the detail pane.
  await grid.locator('[data-row="0"][data-col="0"]').focus();
  await page.keyboard.press('ArrowRight');
  await expect(grid.locator('[data-row="0"][data-col="1"]')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/node=dfw-mn-bm1/);
  await expect(page.getByTestId('detail-pane')).toContainText('SSH / poll');
});

test('the fleet grid can be pinned to a past moment and back to live', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('grid', { name: /fleet grid/i })).toBeVisible();
  const at = new Date(Date.now() - 60_000).toISOString().slice(0, 19);
  await page.getByLabel('At (UTC)').fill(at);
  await page.getByRole('button', { name: 'Pin' }).click();
  await expect(page).toHaveURL(new RegExp(`at=${encodeURIComponent(`${at}.000Z`)}`));
  await expect(page.getByTestId('pinned-banner')).toContainText(`${at}.000Z`);
  // Node links keep the moment, so a shared link opens the same history.
  await expect(page.getByRole('link', { name: 'dfw-mn-bm1', exact: true })).toHaveAttribute('href', /\?at=/);
  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(page).not.toHaveURL(/at=/);
  await expect(page.getByTestId('pinned-banner')).toHaveCount(0);
});
