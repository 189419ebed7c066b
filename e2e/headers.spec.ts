import { expect, test } from '@playwright/test';

// The browser-side fences (next.config.js): the pages still work under them (every other spec runs with
// them on), and they are really sent.
test('pages forbid framing and load scripts, styles and data only from this origin', async ({ page }) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain('unsafe-eval');
  expect(res?.headers()['x-frame-options']).toBe('DENY');
  expect(res?.headers()['x-content-type-options']).toBe('nosniff');

  // Under that policy the live page still renders and refreshes (scripts, styles and the event stream load).
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.reload();
  await expect(page.getByRole('grid', { name: /fleet grid/i })).toBeVisible();
  await page.goto('/peers');
  await expect(page.locator('canvas')).toBeVisible();
  expect(violations).toEqual([]);
});
