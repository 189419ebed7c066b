import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `npm start -- --inventory F` with a bad inventory stops before any server starts, naming file, line and field.
const dir = mkdtempSync(path.join(tmpdir(), 'fnh-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start-up with a bad inventory', () => {
  it('exits non-zero with file:line: field: problem and starts nothing', () => {
    const file = path.join(dir, 'fleet.yaml');
    writeFileSync(
      file,
      'defaults: { user: fnh, keyPath: ./id, knownHostsPath: ./kh }\nnodes:\n  - { name: a, host: 127.0.0.1, port: 22 }\n  - { name: b, host: 127.0.0.2, port: 99999 }\n',
    );
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/demo.ts', '--inventory', file, '--port', '3999', '--data-dir', path.join(dir, 'data')],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain(`${file}:4: nodes[1].port: expected a number 1-65535`);
    expect(res.stdout).not.toMatch(/dashboard: http/);
  });
});
