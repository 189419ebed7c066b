import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SectionName } from '../bundle/types';
import { decodeProbeOutput, decodeProbeReply, probeStdoutHash } from './decode';
import { buildProbeScript, SECTION_STDOUT_CAP, sectionStdoutCap, type KnownHashes } from './script';
import { buildServeRequest, buildServeScript, SERVE_BAD_REQUEST_EXIT, serveEndLine } from './serve';
import { spawnSync } from 'node:child_process';

// The probe script run by a real POSIX shell (dash on Debian), with the node's programs replaced by
// small scripts on PATH: the wire protocol as a node really speaks it, including the unchanged form.

let dir: string;
let bin: string;

function fakeProgram(name: string, body: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function runProbe(known: KnownHashes = {}, sections?: readonly SectionName[], extraPath = ''): string {
  const script = buildProbeScript({ journalSince: 1_700_000_000 }, sections, known);
  return execFileSync('sh', ['-c', script], {
    env: { ...process.env, PATH: `${extraPath}${bin}:/usr/bin:/bin`, HOME: dir },
    encoding: 'latin1',
    maxBuffer: 64 * 1024 * 1024,
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-probe-'));
  bin = path.join(dir, 'bin');
  execFileSync('mkdir', [bin]);
  // Every program prints its own argv; `hostname` prints a file the test changes; `sudo` fails.
  for (const p of ['ip', 'journalctl', 'systemctl', 'curl']) fakeProgram(p, `echo "${p} $*"`);
  fakeProgram('hostname', `cat ${path.join(dir, 'hostname')}`);
  fakeProgram('sudo', `echo "sudo: a password is required" >&2; exit 1`);
  writeFileSync(path.join(dir, 'hostname'), 'node-a\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the probe script in a real shell', () => {
  it('prints every section in full when no hash is offered', () => {
    const sections = decodeProbeOutput(runProbe());
    expect(sections.hostname).toEqual({ stdout: 'node-a\n', stderr: '', exitCode: 0, truncated: false });
    expect(sections['ip-route']?.stdout).toBe('ip -j route show table all\n');
    expect(sections.nft).toEqual({ stdout: '', stderr: 'sudo: a password is required\n', exitCode: 1, truncated: false });
  });

  it('answers an unchanged section with its hash only, and a changed one in full', () => {
    const first = decodeProbeReply(runProbe());
    const known: KnownHashes = {};
    for (const [name, s] of Object.entries(first.sections)) known[name as SectionName] = s.sha256;
    expect(known.hostname).toBe(probeStdoutHash('hostname', 'node-a\n'));

    writeFileSync(path.join(dir, 'hostname'), 'node-b\n');
    try {
      const second = decodeProbeReply(runProbe(known));
      expect(Object.keys(second.sections)).toEqual(['hostname']);
      expect(second.sections.hostname?.section.stdout).toBe('node-b\n');
      expect(second.unchanged['ip-route']).toEqual({ sha256: known['ip-route'], stderr: '', exitCode: 0 });
      // Exit code and stderr always come fresh, even for an unchanged stdout.
      expect(second.unchanged.nft).toEqual({ sha256: known.nft, stderr: 'sudo: a password is required\n', exitCode: 1 });
    } finally {
      writeFileSync(path.join(dir, 'hostname'), 'node-a\n');
    }
  });

  it('sends the content when the offered hash is not the output’s', () => {
    const reply = decodeProbeReply(runProbe({ hostname: 'a'.repeat(64) }, ['hostname']));
    expect(reply.sections.hostname?.section.stdout).toBe('node-a\n');
    expect(reply.unchanged).toEqual({});
  });

  it('sends the content on a node without a working sha256sum', () => {
    const broken = path.join(dir, 'broken');
    execFileSync('mkdir', ['-p', broken]);
    writeFileSync(path.join(broken, 'sha256sum'), '#!/bin/sh\nexit 127\n');
    chmodSync(path.join(broken, 'sha256sum'), 0o755);
    const reply = decodeProbeReply(runProbe({ hostname: probeStdoutHash('hostname', 'node-a\n') }, ['hostname'], `${broken}:`));
    expect(reply.sections.hostname?.section.stdout).toBe('node-a\n');
  });

  it('cuts each section at its own cap: the routing table has room for a full BGP table, the others 8 MiB', () => {
    const nine = 9 * 1024 * 1024;
    fakeProgram('ip', `head -c ${nine} /dev/zero | tr '\\0' a`);
    try {
      const sections = decodeProbeOutput(runProbe({}, ['ip-link', 'ip-route']));
      expect(sections['ip-route']).toMatchObject({ truncated: false, exitCode: 0 });
      expect(sections['ip-route']?.stdout.length).toBe(nine);
      expect(sections['ip-link']?.truncated).toBe(true);
      expect(sections['ip-link']?.stdout.length).toBe(SECTION_STDOUT_CAP);
      expect(sectionStdoutCap('ip-route')).toBeGreaterThan(140 * 1000 * 1000);
    } finally {
      fakeProgram('ip', 'echo "ip $*"');
    }
  });

  it('never puts a non-hex offered hash into the script', () => {
    const script = buildProbeScript({ journalSince: 0 }, ['hostname'], { hostname: "x'; reboot; '" });
    expect(script).not.toContain('reboot');
    expect(script).toContain('fnh hostname - hostname');
  });
});

describe('the probe loop in a real shell', () => {
  const serve = (input: string) =>
    spawnSync('sh', ['-c', buildServeScript()], { input, env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, HOME: dir }, encoding: 'latin1' });

  it('answers each request line with the probe reply and its end line', () => {
    const first = decodeProbeReply(runProbe());
    const known: KnownHashes = { 'ip-route': first.sections['ip-route']?.sha256 ?? '' };
    const r = serve(buildServeRequest(1, 1_700_000_000) + buildServeRequest(2, 1_700_000_100, known));
    expect(r.status).toBe(0);
    const [one, two] = r.stdout.split(serveEndLine(1));
    expect(two?.endsWith(serveEndLine(2))).toBe(true);
    const a = decodeProbeReply(one!);
    const b = decodeProbeReply(two!.slice(0, -serveEndLine(2).length));
    expect(a.sections.journal?.section.stdout).toBe('journalctl -u doublezerod --no-pager -o json --since @1700000000\n');
    expect(b.sections.journal?.section.stdout).toBe('journalctl -u doublezerod --no-pager -o json --since @1700000100\n');
    expect(b.unchanged['ip-route']?.sha256).toBe(known['ip-route']);
    expect(Object.keys(a.sections).sort()).toEqual(Object.keys(first.sections).sort());
  });

  it('ends on a malformed request instead of running anything with it', () => {
    const r = serve('1 $(reboot) - - -\n');
    expect(r.status).toBe(SERVE_BAD_REQUEST_EXIT);
    expect(r.stdout).toBe('');
  });
});
