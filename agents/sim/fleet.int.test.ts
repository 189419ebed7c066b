import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInventoryYaml } from '../../lib/inventory/parse-inventory';
import { parseDaemonRoutes } from '../../lib/parse/daemon-routes';
import { parseIpAddr } from '../../lib/parse/ip-addr';
import { parseIpLink } from '../../lib/parse/ip-link';
import { parseJournal } from '../../lib/parse/journal';
import { parseMetrics } from '../../lib/parse/metrics';
import { decodeProbeOutput, ProbeDecodeError } from '../../lib/probe/decode';
import { buildProbeCommand } from '../../lib/probe/script';
import { decodeProbeReply } from '../../lib/probe/decode';
import { buildServeCommand, buildServeRequest, serveEndLine } from '../../lib/probe/serve';
import { startSimFleet, type SimFleet } from './fleet';
import { generateKeyPair } from './keys';
import { WARN_MSG } from './history';
import { SEED_STALE_SESSIONS, SEED_VANISHED_IP } from './scenarios';

// The simulated fleet over real SSH: an ssh2 client, the probe the agent sends, the product's
// decoder and parsers. The nodes' clock is pinned and advanced by hand, so nothing depends on timing.

let dir: string;
let fleet: SimFleet;
let clock = Date.UTC(2025, 10, 30, 19, 40, 0);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-sim-'));
  fleet = await startSimFleet({
    count: 12,
    dir,
    now: () => clock,
    scenarioOverrides: {
      'tyo-mn-bm1': 'silent',
      'lax-mn-bm1': 'garbage',
      'chi-mn-bm1': { behavior: 'huge', hugeBytes: 6 * 1024 * 1024 },
      'mia-mn-bm1': { behavior: 'slow', delayMs: 300 },
      'sea-mn-bm1': 'rekey',
      'par-mn-bm1': 'malformed',
    },
  });
});

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** known_hosts of the fleet: `[127.0.0.1]:port` → base64 key blob. */
function pinnedKeys(): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of readFileSync(fleet.knownHostsPath, 'utf8').trim().split('\n')) {
    const [host, type, blob] = line.split(' ');
    expect(type).toBe('ssh-ed25519');
    pins.set(host!, blob!);
  }
  return pins;
}

interface ExecResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

function sshExec(port: number, command: string, opts: { privateKey?: string; user?: string; readyTimeout?: number } = {}): Promise<ExecResult> {
  const pin = pinnedKeys().get(`[127.0.0.1]:${port}`);
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        const out: Buffer[] = [];
        let stderr = '';
        let code: number | null = null;
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('exit', (c: number | null) => (code = c));
        stream.on('close', () => {
          client.end();
          resolve({ stdout: Buffer.concat(out), stderr, code });
        });
      });
    });
    client.connect({
      host: '127.0.0.1',
      port,
      username: opts.user ?? 'fnh',
      privateKey: opts.privateKey ?? readFileSync(fleet.clientKeyPath, 'utf8'),
      readyTimeout: opts.readyTimeout ?? 10_000,
      hostVerifier: (key: Buffer) => key.toString('base64') === pin,
    });
  });
}

const portOf = (name: string) => fleet.node(name).port;

async function probe(name: string, journalSince: number) {
  const r = await sshExec(portOf(name), buildProbeCommand({ journalSince }));
  expect(r.code).toBe(0);
  return decodeProbeOutput(r.stdout.toString('utf8'));
}

describe('the fleet files', () => {
  it('write an inventory of every node that the inventory parser accepts, with a 0600 client key', () => {
    const inv = parseInventoryYaml(readFileSync(fleet.inventoryPath, 'utf8'), { file: 'inventory.yaml', baseDir: dir });
    expect(inv.nodes.map((n) => [n.name, n.port])).toEqual(fleet.nodes.map((n) => [n.name, n.port]));
    for (const n of inv.nodes) expect(n).toMatchObject({ host: '127.0.0.1', user: 'fnh', keyPath: fleet.clientKeyPath, knownHostsPath: fleet.knownHostsPath });
    expect(statSync(fleet.clientKeyPath).mode & 0o777).toBe(0o600);
    expect(pinnedKeys().size).toBe(12);
    expect(new Set(pinnedKeys().values()).size).toBe(12);
  });
});

/** Starts the probe loop on one channel, sends `requests` one after another, returns each reply and the exit code. */
function serveOverSsh(port: number, requests: ((previous: string[]) => string)[]): Promise<{ replies: string[]; code: number | null }> {
  const pin = pinnedKeys().get(`[127.0.0.1]:${port}`);
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(buildServeCommand(), (err, stream) => {
        if (err) return reject(err);
        const replies: string[] = [];
        let buffered = '';
        let code: number | null = null;
        stream.on('data', (d: Buffer) => {
          buffered += d.toString('latin1');
          const end = serveEndLine(replies.length + 1);
          const at = buffered.indexOf(end);
          if (at < 0) return;
          replies.push(buffered.slice(0, at));
          buffered = buffered.slice(at + end.length);
          if (replies.length < requests.length) stream.write(requests[replies.length]!(replies));
          else stream.end();
        });
        stream.on('exit', (c: number | null) => (code = c));
        stream.on('close', () => {
          client.end();
          resolve({ replies, code });
        });
        stream.write(requests[0]!([]));
      });
    });
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'fnh',
      privateKey: readFileSync(fleet.clientKeyPath, 'utf8'),
      hostVerifier: (key: Buffer) => key.toString('base64') === pin,
    });
  });
}

describe('the probe loop over SSH', () => {
  it('answers request after request on one channel, unchanged sections by hash, and ends with stdin', async () => {
    const since = Math.floor(clock / 1000) - 60;
    const { replies, code } = await serveOverSsh(portOf('dfw-mn-bm1'), [
      () => buildServeRequest(1, since),
      ([first]) => {
        const held = decodeProbeReply(first!).sections;
        return buildServeRequest(2, since, { 'ip-route': held['ip-route']!.sha256, 'ip-link': held['ip-link']!.sha256 });
      },
    ]);
    expect(code).toBe(0);
    const [first, second] = replies.map((r) => decodeProbeReply(r));
    expect(first!.sections.hostname?.section.stdout).toBe('dfw-mn-bm1\n');
    expect(Object.keys(second!.unchanged).sort()).toEqual(['ip-link', 'ip-route']);
    expect(second!.sections.hostname?.section.stdout).toBe('dfw-mn-bm1\n');
  });
});

describe('the seed node over SSH', () => {
  it('answers the probe with the seed incident in every section', async () => {
    const s = await probe('dfw-mn-bm1', Math.floor(clock / 1000) - 900);
    const dz = parseIpLink(s['ip-link']!.stdout).items.find((l) => l.ifname === 'doublezero0');
    expect(dz).toMatchObject({ kind: 'gre', mtu: 1476, up: true });
    expect(parseIpAddr(s['ip-addr']!.stdout).items.some((a) => a.local === SEED_VANISHED_IP)).toBe(false);
    const events = parseJournal(s.journal!.stdout).filter((e) => e.msg === WARN_MSG);
    // one warning per ~5 s for the whole daemon: ~180 in 15 min, whatever the number of stale sessions
    expect(events.length).toBeGreaterThanOrEqual(165);
    expect(events.length).toBeLessThanOrEqual(180);
    for (const e of events)
      expect(e).toMatchObject({ interface: 'doublezero0', localIP: SEED_VANISHED_IP, error: expect.stringMatching(/sendmsg: network is unreachable$/) });
    expect([...new Set(events.map((e) => e.peerIP))]).toEqual(expect.arrayContaining(['216.238.110.55', '185.189.45.80', '86.54.153.247']));
    // GET /routes lists only the current DZ IP's sessions: the stale ones are not there
    const routes = parseDaemonRoutes(s['daemon-routes']!.stdout).items;
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.localIP === SEED_VANISHED_IP)).toEqual([]);
    // the exact count is in the metrics, found on the daemon's random port
    expect(s.metrics?.exitCode).toBe(0);
    expect(
      parseMetrics(s.metrics!.stdout).items.find(
        (m) => m.name === 'doublezero_liveness_sessions' && m.labels.local_ip === SEED_VANISHED_IP && m.labels.state === 'down',
      )?.value,
    ).toBe(SEED_STALE_SESSIONS);
    expect(s['daemon-version']?.stdout).toMatch(/^build: [0-9a-f]{7}\nversion: 0\.8\.0\n/);
    expect(s['systemctl-show']?.stdout).toMatch(
      /^MainPID=\d+\nExecMainStartTimestamp=Sun 2025-11-30 18:55:00 UTC\nExecStart=\{ path=\/usr\/bin\/doublezerod ;/,
    );
    expect(s['daemon-status']?.stdout).toBe('404 page not found\n');
    expect(s.systemctl).toMatchObject({ stdout: 'active\n', exitCode: 0 });
    expect(s.hostname?.stdout).toBe('dfw-mn-bm1\n');
    expect(s.nft?.exitCode).toBe(0);
  });

  it('stops warning after sudo -n systemctl restart doublezerod (new PID, start records)', async () => {
    const restartAt = clock;
    const r = await sshExec(portOf('dfw-mn-bm1'), 'sudo -n systemctl restart doublezerod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    clock += 2 * 60_000;
    const s = await probe('dfw-mn-bm1', Math.floor(restartAt / 1000));
    const events = parseJournal(s.journal!.stdout);
    expect(events.filter((e) => e.msg === WARN_MSG)).toEqual([]);
    // v0.8.0 logs `session up` at DEBUG: only the start records are written (the parser keeps the liveness one)
    expect(events.map((e) => e.msg)).toEqual(['liveness: manager starting']);
    expect(s.journal!.stdout).toContain('prometheus metrics server started');
    expect(parseDaemonRoutes(s['daemon-routes']!.stdout).items.some((x) => x.localIP === SEED_VANISHED_IP)).toBe(false);
    expect(s['systemctl-show']?.stdout).toContain('ActiveEnterTimestamp=Sun 2025-11-30 19:40:00 UTC');
  });
});

describe('remediation over SSH', () => {
  it('brings doublezero0 up on the link-down node', async () => {
    const before = await probe('ams-mn-bm1', Math.floor(clock / 1000) - 60);
    expect(parseJournal(before.journal!.stdout).some((e) => e.level === 'WARN')).toBe(true);
    const fixAt = clock;
    expect((await sshExec(portOf('ams-mn-bm1'), 'sudo -n ip link set doublezero0 up')).code).toBe(0);
    clock += 60_000;
    const after = await probe('ams-mn-bm1', Math.floor(fixAt / 1000));
    expect(parseIpLink(after['ip-link']!.stdout).items.find((l) => l.ifname === 'doublezero0')?.up).toBe(true);
    expect(parseJournal(after.journal!.stdout).filter((e) => e.level === 'WARN')).toEqual([]);
  });

  it('answers an unknown command with 127 and never runs it', async () => {
    expect(await sshExec(portOf('lon-mn-bm1'), 'rm -rf /')).toMatchObject({ code: 127, stderr: 'bash: line 1: rm: command not found\n' });
  });
});

describe('authentication', () => {
  it('refuses another key and another user', async () => {
    await expect(sshExec(portOf('lon-mn-bm1'), 'hostname', { privateKey: generateKeyPair('x').privateKey })).rejects.toThrow(/authentication/i);
    await expect(sshExec(portOf('lon-mn-bm1'), 'hostname', { user: 'root' })).rejects.toThrow(/authentication/i);
  });
});

describe('hostile and unreachable nodes', () => {
  it('unreachable: nothing listens on its port', async () => {
    const node = fleet.nodes.find((n) => n.behavior === 'unreachable')!;
    await expect(sshExec(node.port, 'hostname')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('silent: accepts TCP and never speaks SSH', async () => {
    await expect(sshExec(portOf('tyo-mn-bm1'), 'hostname', { readyTimeout: 1000 })).rejects.toThrow(/timed out/i);
  });

  it('garbage: prints random bytes that hold no probe section', async () => {
    const r = await sshExec(portOf('lax-mn-bm1'), buildProbeCommand({ journalSince: 0 }));
    expect(r.stdout.length).toBe(4096);
    let sections: object = {};
    try {
      sections = decodeProbeOutput(r.stdout.toString('utf8'));
    } catch {
      sections = {};
    }
    expect(sections).toEqual({});
  });

  it('malformed: prints section lines the decoder refuses', async () => {
    const r = await sshExec(portOf('par-mn-bm1'), buildProbeCommand({ journalSince: 0 }));
    expect(r.code).toBe(0);
    expect(() => decodeProbeOutput(r.stdout.toString('utf8'))).toThrow(ProbeDecodeError);
  });

  it('huge: streams the whole configured size', async () => {
    const r = await sshExec(portOf('chi-mn-bm1'), buildProbeCommand({ journalSince: 0 }));
    expect(r.stdout.length).toBe(6 * 1024 * 1024);
    expect(r.code).toBe(0);
  });

  it('slow: answers, late', async () => {
    expect((await sshExec(portOf('mia-mn-bm1'), 'hostname')).stdout.toString()).toBe('mia-mn-bm1\n');
  });

  it('rekey: comes back from a restart with a host key that no longer matches known_hosts', async () => {
    const node = fleet.node('sea-mn-bm1');
    expect((await sshExec(node.port, 'hostname')).stdout.toString()).toBe('sea-mn-bm1\n');
    const before = node.hostPublicKey();
    await node.restart();
    expect(node.hostPublicKey()).not.toBe(before);
    await expect(sshExec(node.port, 'hostname')).rejects.toThrow(/verification failed/i);
  });

  it('a normal node keeps its host key across a restart', async () => {
    const node = fleet.node('lon-mn-bm1');
    await node.restart();
    expect((await sshExec(node.port, 'hostname')).stdout.toString()).toBe('lon-mn-bm1\n');
  });
});

describe('stop()', () => {
  it('closes every listener', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'fnh-sim-stop-'));
    const small = await startSimFleet({ count: 2, dir: d });
    const port = small.nodes[0]!.port;
    await small.stop();
    await expect(
      new Promise((resolve, reject) => {
        const c = new Client();
        c.on('ready', () => resolve(c));
        c.on('error', reject);
        c.connect({ host: '127.0.0.1', port, username: 'fnh', readyTimeout: 3000 });
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    rmSync(d, { recursive: true, force: true });
  });
});
