import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: ['node_modules/**', '.next/**', '.data/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'lab/fixtures/**'],
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Pages and components reach data only through route handlers and the features' store/ modules, never the store client.
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/lib/db', '@/lib/db/*', '**/lib/db', '**/lib/db/*'], message: "Use a feature's store/ module, not the store client." },
            { group: ['@/agents/*', '**/agents/*'], message: 'Pages never talk to agents directly.' },
          ],
        },
      ],
    },
  },
  {
    // Domain code and agents stay framework-free.
    files: ['lib/**/*.{ts,tsx}', 'agents/**/*.{ts,tsx}'],
    ignores: ['lib/http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['next', 'next/*', 'react', 'react-dom'], message: 'lib/ and agents/ never import Next.js or React.' }] },
      ],
    },
  },
  {
    // The pure top of every feature folder (docs/ARCHITECTURE.md): no I/O, no store, no agents. A feature's
    // data-access edge lives in its store/ folder and is exempt. Tests beside the code, and their helpers, may
    // read fixtures. node:crypto (hashes) and node:path (string work) are allowed; bundle/folder.ts is the one
    // file reading folders (for the CLIs and tests).
    files: [
      'lib/{alerts,audit,auth,bundle,diagnosis,doublezerod,fleet,ingest,inventory,known-issues,lease,live,metrics,model,node,parse,peers,probe,remediation,route,settings,storage}/**/*.{ts,tsx}',
    ],
    ignores: ['lib/*/store/**', '**/*.test.ts', '**/testing/**', 'lib/parse/testdata.ts', 'lib/bundle/folder.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['next', 'next/*', 'react', 'react-dom'], message: 'lib/ and agents/ never import Next.js or React.' },
            {
              group: [
                'node:*',
                '!node:crypto',
                '!node:path',
                'fs',
                'fs/*',
                'os',
                'child_process',
                'net',
                'http',
                'https',
                'dgram',
                'dns',
                'tls',
                'worker_threads',
                'pg',
                'pg/*',
                '@electric-sql/*',
                'ssh2',
                'ssh2/*',
              ],
              message: 'Pure domain code does no I/O: the caller reads and passes the data in.',
            },
            {
              group: [
                '@/lib/db',
                '@/lib/db/*',
                '**/lib/db',
                '**/lib/db/*',
                '**/db/index',
                '@/lib/*/store/*',
                '**/store',
                '**/store/*',
                '@/agents/*',
                '**/agents/*',
              ],
              message: "Pure domain code never reaches the store client, a feature's store/ or the agents.",
            },
          ],
        },
      ],
    },
  },
  {
    // lib/http is the one adapter between Next.js and lib: route() and page() (the gate, parsing, errors).
    // It may read cookies and redirect; nothing else in lib/ may, and it never reaches into agents/.
    files: ['lib/http/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@/agents/*', '**/agents/*'], message: 'The HTTP adapter never talks to agents directly.' }] }],
    },
  },
];
export default config;
