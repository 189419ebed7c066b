import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname),
  // server-only throws outside React Server Components; tests run the same modules in plain Node.
  'server-only': path.resolve(import.meta.dirname, 'tests/support/server-only-stub.ts'),
};

const labSuites = ['lab/**/*.int.test.ts', 'scripts/capture-fixtures/**/*.int.test.ts'];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'agents/**/*.test.ts', 'scripts/**/*.test.ts', 'lab/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          // .data/ holds runtime data (and other checkouts of this repo): never tests of this tree.
          exclude: ['node_modules/**', '.data/**', ...labSuites],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The namespace lab's suites (root only): they share the lab, one after another, and mostly wait for the
        // daemons' 5 s warning throttle, so `npm test` runs them beside the CPU-bound integration project.
        resolve: { alias },
        test: {
          name: 'lab',
          include: labSuites,
          exclude: ['node_modules/**', '.data/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
