import { ensureUsers, expect, seedNode, test } from './auth-helpers';
import { reproduceSeedIncident } from './seed-incident';

// Issue 12: a verified fix never leaves a red cell. The fleet grid stays open in one tab while an operator
// restarts doublezerod from another; the grid's seed-node cell leaves red through the live updates alone.

test.beforeAll(async () => {
  await ensureUsers();
});

test.afterAll(async () => {
  await reproduceSeedIncident(seedNode);
});

test('after "Confirm and run" on the seed node, the open fleet grid is no longer red, without a reload', async ({ as }) => {
  const wall = await as('viewer');
  await wall.goto('/');
  const verdictCell = wall.locator(`tr[data-node="${seedNode}"] [data-check="verdict"]`);
  await expect(verdictCell).toHaveAttribute('data-status', 'fail', { timeout: 30_000 });
  await expect(verdictCell).toHaveText('stale-session');
  await expect(wall.locator(`tr[data-node="${seedNode}"] [data-testid="verdict-since"]`)).toContainText('stale-session for');
  let reloaded = false;
  wall.on('framenavigated', (frame) => {
    if (frame === wall.mainFrame()) reloaded = true;
  });

  const operator = await as('operator');
  await operator.goto(`/remediation?node=${seedNode}&verdict=stale-session`);
  await operator.getByRole('button', { name: 'Preview' }).click();
  await expect(operator.getByTestId('preview-commands')).toHaveText('sudo -n systemctl restart doublezerod');
  await operator.getByLabel('Reason').fill('seed bug: stale sessions; checking the wall screen follows');
  await operator.getByRole('button', { name: 'Confirm and run' }).click();
  await expect(operator.getByTestId(`run-${seedNode}`).getByRole('status')).toHaveAttribute('data-state', 'verified', { timeout: 45_000 });

  // recovering (warnings of the gone sessions still in the window) or healthy: either way not red
  await expect(verdictCell).not.toHaveAttribute('data-status', 'fail', { timeout: 20_000 });
  await expect(verdictCell).toHaveText(/^(recovering|healthy)$/);
  expect(reloaded).toBe(false);
});
