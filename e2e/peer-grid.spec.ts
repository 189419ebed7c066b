import { expect, test } from '@playwright/test';

// Issue 5: the peer grid at 1,000 × 1,000 synthetic cells renders and scrolls, with a bounded DOM.
// (Timings are reported by scripts/bench-peer-grid.ts; nothing here asserts a duration.)
test('peer grid renders 1,000 × 1,000 synthetic cells and scrolls to the far corner', async ({ page }) => {
  await page.goto('/peers?synthetic=1000x1000');
  const grid = page.getByTestId('peer-grid');
  await expect(grid).toHaveAttribute('data-rows', '1000');
  await expect(grid).toHaveAttribute('data-cols', '1000');
  await expect(page.getByText(/Synthetic data/)).toBeVisible();
  await expect(grid.getByRole('rowheader', { name: 'sim-0000' })).toBeVisible();
  await expect(grid.locator('canvas')).toBeVisible();

  // A million cells, yet the DOM holds only the headers in view: never one element per cell.
  const domSize = () => grid.locator('*').count();
  expect(await domSize()).toBeLessThan(2_000);

  await grid.evaluate((el) => el.scrollTo({ top: el.scrollHeight, left: el.scrollWidth }));
  await expect(grid.getByRole('rowheader', { name: 'sim-0999' })).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: '10.0.3.231' })).toBeVisible(); // peer 999
  await expect(grid.getByRole('rowheader', { name: 'sim-0000' })).toHaveCount(0);
  expect(await domSize()).toBeLessThan(2_000);

  // Keyboard: Ctrl+Home goes back to the first cell, arrows move, Enter opens the cell (state in the URL).
  await grid.focus();
  await page.keyboard.press('Control+Home');
  await expect(grid).toHaveAttribute('aria-activedescendant', 'peer-cell-0-0');
  await expect(grid.getByRole('rowheader', { name: 'sim-0000' })).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await expect(grid).toHaveAttribute('aria-activedescendant', 'peer-cell-1-1');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/node=sim-0001&peer=10\.0\.0\.2/);
  await expect(page.getByTestId('detail-pane')).toContainText('sim-0001 → 10.0.0.2');
  await expect(grid.getByTestId('selected-cell')).toHaveAttribute('aria-label', /^sim-0001 → 10\.0\.0\.2: /);

  // A click on the painted cell opens it too: row 3, column 5 of the canvas.
  const box = await grid.locator('canvas').boundingBox();
  if (!box) throw new Error('canvas has no box');
  await grid.focus();
  await page.keyboard.press('Control+Home');
  await expect(grid).toHaveAttribute('aria-activedescendant', 'peer-cell-0-0');
  await expect.poll(() => grid.evaluate((el) => el.scrollTop + el.scrollLeft)).toBe(0);
  await page.mouse.click(box.x + 5 * 30 + 10, box.y + 3 * 20 + 10);
  await expect(page).toHaveURL(/node=sim-0003&peer=10\.0\.0\.5/);
});
