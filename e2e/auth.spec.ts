import { apiAs, baseUrl, credentials, ensureUsers, expect, seedNode, test } from './auth-helpers';

// These tests start signed out (the other specs run as a signed-in viewer).
test.use({ storageState: { cookies: [], origins: [] } });

test.beforeAll(async () => {
  await ensureUsers();
});

test('every page and API read needs a session; sign-in returns to the page asked for', async ({ page, request }) => {
  expect((await request.get('/api/fleet')).status()).toBe(401);
  expect((await request.get(`/api/nodes/${seedNode}`)).status()).toBe(401);
  expect((await request.get('/api/health')).status()).toBe(200);
  // An on-call engineer follows a link to a node: sign in, land on that node.
  await page.goto(`/nodes/${seedNode}`);
  await expect(page).toHaveURL(new RegExp(`/login\\?next=${encodeURIComponent(`/nodes/${seedNode}`)}`));
  await page.getByLabel('Username').fill(credentials('viewer').username);
  await page.getByLabel('Password').fill(credentials('viewer').password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/nodes/${seedNode}$`));
  await expect(page.getByRole('heading', { name: seedNode })).toBeVisible();
});

test('signed-out visitors are sent to sign-in, and the API answers 401', async ({ page, request }) => {
  await page.goto(`/remediation?node=${seedNode}`);
  await expect(page).toHaveURL(/\/login\?next=/);
  const res = await request.get('/api/actions/runs');
  expect(res.status()).toBe(401);
});

test('sign-in through the form, with a wrong password refused', async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent(`/remediation?node=${seedNode}`)}`);
  await page.getByLabel('Username').fill(credentials('operator').username);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('wrong username or password')).toBeVisible();
  await page.getByLabel('Password').fill(credentials('operator').password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/remediation\?node=/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('signed in as e2e-operator (operator)');
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'fnh_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
});

test('viewer is denied: sees the preview but cannot run, and the server refuses the request', async ({ as }) => {
  const page = await as('viewer');
  await page.goto(`/remediation?node=${seedNode}&verdict=stale-session`);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview-commands')).toHaveText('sudo -n systemctl restart doublezerod');
  await expect(page.getByRole('button', { name: 'Confirm and run' })).toHaveCount(0);
  await expect(page.getByRole('note')).toContainText('needs the operator role');

  // The button is hidden, but only the server decides: the same request from the viewer's session is 403.
  const res = await page.request.post('/api/actions/runs', {
    headers: { origin: baseUrl() },
    data: { action: 'restart-doublezerod', nodes: [seedNode], reason: 'viewer tries', idempotencyKey: 'viewer-attempt-1' },
  });
  expect(res.status()).toBe(403);
  const audit = await (await apiAs('admin')).get(`/api/audit?node=${seedNode}&actor=${credentials('viewer').username}`);
  expect(((await audit.json()) as { records: unknown[] }).records).toEqual([]);
});

test('cross-site requests are refused even with a valid session (CSRF)', async ({ as }) => {
  const page = await as('operator');
  const res = await page.request.post('/api/actions/runs', {
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    data: { action: 'restart-doublezerod', nodes: [seedNode], reason: 'csrf', idempotencyKey: 'csrf-attempt-1' },
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('cross-site');
});

test('only an admin creates accounts', async () => {
  const operator = await apiAs('operator');
  const res = await operator.post('/api/auth/users', { data: { username: 'sneaky', password: 'sneaky-password-123', role: 'admin' } });
  expect(res.status()).toBe(403);
});
