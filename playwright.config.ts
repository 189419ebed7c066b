import { defineConfig } from '@playwright/test';
import { e2eAlertmanagerToken } from './e2e/alertmanager-token';
import { e2eDataDir, e2eOrigin, e2ePort as port } from './e2e/port';
import { viewerStatePath } from './e2e/state-paths';

export default defineConfig({
  testDir: 'e2e',
  // Per port, so two runs on one machine never delete each other's traces.
  outputDir: `test-results/e2e-${port}`,
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  projects: [
    { name: 'setup', testMatch: /\.setup\.ts$/ },
    { name: 'chromium', dependencies: ['setup'], testIgnore: /\.setup\.ts$/, use: { storageState: viewerStatePath } },
  ],
  use: {
    baseURL: e2eOrigin,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    // The e2e server is the real demo stack: simulated SSH fleet + agent + PGlite in a throwaway folder.
    command: `npx tsx scripts/demo.ts --port ${port} --data-dir ${e2eDataDir} --fresh`,
    // The webhook is off without a token; triage links in its reply need the public origin.
    env: { FNH_ALERTMANAGER_TOKEN: e2eAlertmanagerToken, FNH_PUBLIC_ORIGIN: e2eOrigin },
    url: `${e2eOrigin}/api/health`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe',
    // SIGTERM lets the server close PGlite cleanly.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
