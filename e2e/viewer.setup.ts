import { test as setup } from '@playwright/test';
import { apiAs, ensureUsers } from './auth-helpers';
import { viewerStatePath } from './state-paths';

// Every page needs a session: specs that do not test sign-in itself run as a signed-in viewer,
// signed in through the product's API (users are created by the demo's admin).
setup('sign in as a viewer', async () => {
  await ensureUsers();
  const viewer = await apiAs('viewer');
  await viewer.storageState({ path: viewerStatePath });
  await viewer.dispose();
});
