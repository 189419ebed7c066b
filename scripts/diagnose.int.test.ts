import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, cp, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.join(__dirname, '..');
const fixtures = path.join(repo, 'fixtures', 'bundles');

// Runs the CLI as a user would: `npm run --silent diagnose -- <folder>`.
async function diagnoseCli(folder: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'diagnose', '--', folder], { cwd: repo });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'fnh-diagnose-cli-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('diagnose CLI', () => {
  it('prints the verdicts, node findings and section states of a stale-session capture as JSON and exits 0', async () => {
    const { code, stdout } = await diagnoseCli(path.join(fixtures, 'stale-session'));
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as {
      node: string;
      worst: string;
      peers: Record<string, unknown>[];
      findings: Record<string, unknown>[];
      sections: Record<string, string>;
    };
    expect(out.worst).toBe('stale-session');
    expect(out.peers).toContainEqual(
      expect.objectContaining({
        peer: '216.238.110.55',
        interface: 'doublezero0',
        localIP: '209.245.225.161',
        verdict: 'stale-session',
        evidence: expect.arrayContaining([expect.stringContaining('209.245.225.161 is not assigned')]),
      }),
    );
    expect(out.findings).toEqual([expect.objectContaining({ kind: 'stale-local-ip', localIP: '209.245.225.161', exact: false })]);
    // optional sections the capture lacks are named, not fatal
    expect(out.sections['daemon-version']).toBe('missing');
  });

  it("reads the seed report's single line as the daemon would mean it: silence after it proves the session gone", async () => {
    // one warning at 19:36:22 and none until the collection at 19:40: a failing session would have been named
    // again within seconds (one warning per 5 s for the whole daemon), so it is recovering, not failing
    const { code, stdout } = await diagnoseCli(path.join(fixtures, 'seed-line'));
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { peers: Record<string, unknown>[] };
    expect(out.peers).toContainEqual(
      expect.objectContaining({ peer: '216.238.110.55', verdict: 'recovering', warnings: 1, lastWarningAt: '2025-11-30T19:36:22.662Z' }),
    );
  });

  it('exits 2 naming the file for a missing required file, bad JSON and bad meta', async () => {
    const bundle = path.join(scratch, 'bundle');
    await cp(path.join(fixtures, 'healthy'), bundle, { recursive: true });
    await unlink(path.join(bundle, 'ip-route.json'));
    let r = await diagnoseCli(bundle);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain(`${path.join(bundle, 'ip-route.json')}: missing`);

    await cp(path.join(fixtures, 'healthy', 'ip-route.json'), path.join(bundle, 'ip-route.json'));
    await writeFile(path.join(bundle, 'ip-link.json'), '[{"ifname": ');
    r = await diagnoseCli(bundle);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(bundle, 'ip-link.json')}: invalid JSON`);

    await cp(path.join(fixtures, 'healthy', 'ip-link.json'), path.join(bundle, 'ip-link.json'));
    await writeFile(path.join(bundle, 'meta.json'), '{"node": "x", "collectedAt": "yesterday"}');
    r = await diagnoseCli(bundle);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/meta\.json: bad meta: collectedAt/);

    r = await diagnoseCli(path.join(scratch, 'does-not-exist'));
    expect(r.code).toBe(2);
  });
});
