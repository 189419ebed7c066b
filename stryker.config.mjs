// @ts-check
// Mutation testing of the pure core that decides verdicts and renders commands (issue 18).
// `npm run test:mutation`; see README "Tests" for the scores and how it is run.
// FNH_MUTATE_FOLDER=parse (one of the folders below) runs one folder with its own incremental file: the
// score of a folder does not depend on the others being mutated in the same run (each mutant runs alone).
const allFolders = ['diagnosis', 'route', 'parse', 'remediation', 'audit'];
const only = process.env.FNH_MUTATE_FOLDER;
if (only !== undefined && !allFolders.includes(only)) throw new Error(`FNH_MUTATE_FOLDER: one of ${allFolders.join(', ')}`);
const folders = only ? [only] : allFolders;
const runName = only ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    // the pure top of each feature folder: its store/ (SQL) is the integration tests' business
    ...folders.map((folder) => `lib/${folder}/*.ts`),
    '!**/*.test.ts',
    // test support (the real captures read from disk, states built field by field), not product logic
    '!lib/parse/testdata.ts',
    '!lib/**/testing.ts',
  ],
  // Two cores shared by everyone: never more than two test processes.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  // A static mutant (module-level constant, or code run while a test file loads) cannot be tied to tests and
  // would rerun every related test file: 35 % of the mutants at ~40 s each on this machine. Ignored, and
  // counted in the report; mutants reached both at load time and by a test still run that test.
  ignoreStatic: true,
  // Incremental: a re-run tests only the mutants whose code or covering tests changed. The file is per
  // checkout (.data/ is ignored by git): committing it would conflict on every parallel change.
  incremental: true,
  incrementalFile: `.data/stryker/incremental-${runName}.json`,
  // The sandbox copy needs the sources, fixtures and node_modules, not runtime data or build output.
  ignorePatterns: ['.data', '.next', 'test-results', 'playwright-report', 'bench-results', 'tmp', 'reports', 'lab/.run'],
  tempDirName: `.data/stryker/tmp-${runName}`,
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `.data/stryker/mutation-${runName}.json` },
  htmlReporter: { fileName: `.data/stryker/mutation-${runName}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
  thresholds: { high: 85, low: 70, break: null },
  timeoutMS: 10_000,
};
export default config;
