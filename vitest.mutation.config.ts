import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The unit tests of the mutated folders, for StrykerJS (stryker.config.mjs): a folder's score says what its
// own tests catch. Never integration tests (PostgreSQL, OpenSSH, the lab), nor other folders' unit tests,
// whose scale tests would run for nearly every mutant and whose half-done work would stop the run.
// Same aliases and environment as the unit project of vitest.config.ts.
const mutatedFolders = ['diagnosis', 'route', 'parse', 'remediation', 'audit'] as const;

const unit = base.test?.projects?.find((p) => typeof p === 'object' && 'test' in p && p.test?.name === 'unit');
if (typeof unit !== 'object' || !('test' in unit) || !unit.test) throw new Error('vitest.config.ts has no unit project');

export default defineConfig({
  resolve: base.resolve,
  test: {
    ...unit.test,
    name: undefined,
    // the tests of each folder's pure top, not of its store/
    include: mutatedFolders.map((folder) => `lib/${folder}/*.test.ts`),
    // instrumented code on a shared 2-core machine is several times slower: the property tests' 5 s default is too tight
    testTimeout: 60_000,
  },
});
