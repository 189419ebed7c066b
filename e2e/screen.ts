import { expect, test, type Locator, type Page } from '@playwright/test';

/** The element is laid out entirely inside the first screen (the page's viewport), and the page has not been scrolled. */
export async function expectInFirstScreen(page: Page, locator: Locator, what: string): Promise<void> {
  const screen = page.viewportSize();
  if (!screen) throw new Error('the page has no fixed viewport');
  await expect(locator, what).toBeVisible();
  expect(await page.evaluate(() => window.scrollY), `${what}: the page must not have scrolled`).toBe(0);
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${what} has no box`);
  expect(box.y, `${what} top`).toBeGreaterThanOrEqual(0);
  expect(box.x, `${what} left`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${what} bottom`).toBeLessThanOrEqual(screen.height);
  expect(box.x + box.width, `${what} right`).toBeLessThanOrEqual(screen.width);
}

/** A screenshot kept with the test's artifacts. */
export async function keepScreenshot(page: Page, fileName: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(fileName) });
}
