import { execFileSync, execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ServerChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryFile } from '../../agents/inventory-file';
import type { PollResult } from '../../agents/poller/poller';
import { startAgent, type RunningAgent } from '../../agents/poller/start-agent';
import { startFakeSshServer, type ExecBehaviour, type FakeSshServer } from '../../agents/ssh/testing/fake-ssh-server';
import type { SectionName } from '../../lib/bundle/types';
import type { Db } from '../../lib/db';
import { migrate } from '../../lib/db/migrate';
import { openPglite } from '../../lib/db/pglite';
import { decodeProbeOutput, encodeProbeLine } from '../../lib/probe/decode';
import { buildProbeCommand } from '../../lib/probe/script';
import { getNode } from '../../lib/node/store/get-node';

// Node output is untrusted input. Real SSH servers send what a compromised or broken node could:
// bytes that are not UTF-8, JSON cut in the middle, 100 MB of output, a forged probe section line, a
// connection cut halfway through a line. The real agent polls them into real PGlite: nothing crashes,
// memory stays bounded well below the output size, and each node ends with a clear, typed reason
// (a stored error, or parse issues naming the section on the node's page).

const execFileP = promisify(execFile);
const HUGE_BYTES = 100 * 1024 * 1024;
const POLL_TIMEOUT_MS = 20_000;

const LINK_LO =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","link_type":"loopback","address":"00:00:00:00:00:00"}]';

function respond(sections: Partial<Record<SectionName, string | Buffer>>): ExecBehaviour {
  return (ch) => {
    const all: Partial<Record<SectionName, string | Buffer>> = { 'ip-link': LINK_LO, 'ip-addr': '[]', 'ip-route': '[]', 'ip-rule': '[]', ...sections };
    ch.write(
      Object.entries(all)
        .map(([name, out]) => encodeProbeLine(name as SectionName, out!, 0))
        .join(''),
    );
    ch.exit(0);
    ch.end();
  };
}

const behaviours: Record<string, ExecBehaviour> = {
  // Invalid UTF-8 where JSON and log lines are expected.
  'non-utf8': respond({
    'ip-link': Buffer.concat([Buffer.from('[{"ifindex":1,"ifname":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","flags":["UP"]}]')]),
    'ip-route': Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('[]')]),
    hostname: Buffer.from('node\u0000name\n'),
    journal: Buffer.concat([Buffer.from('Nov 30 19:36:22 n doublezerod[1]: {"msg":"'), Buffer.from([0x80, 0x81, 0xff]), Buffer.from('"}\n')]),
  }),
  'truncated-json': respond({ 'ip-link': LINK_LO.slice(0, 60), 'ip-route': '[{"dst":"10.0.0.0/8","dev":"eth0",' }),
  // A section line printed twice: the second would replace the real firewall-free link list.
  'forged-boundary': (ch) => {
    ch.write(
      encodeProbeLine('ip-link', LINK_LO, 0) + encodeProbeLine('ip-addr', '[]', 0) + encodeProbeLine('ip-route', '[]', 0) + encodeProbeLine('ip-rule', '[]', 0),
    );
    ch.write(encodeProbeLine('ip-link', '[{"ifindex":9,"ifname":"forged0","flags":["UP"]}]', 0));
    ch.exit(0);
    ch.end();
  },
  huge: hugeOutput(HUGE_BYTES),
  // Half a section line, then the connection goes away.
  'cut-mid-line': (ch) => {
    ch.write(encodeProbeLine('ip-link', LINK_LO, 0).slice(0, 40));
    setTimeout(() => (ch as ServerChannel & { destroy(): void }).destroy(), 200);
  },
};

/** Streams `total` bytes of a plausible-looking section line per exec (never held whole in memory); records what each exec sent. */
const hugeSent: number[] = [];
function hugeOutput(total: number): ExecBehaviour {
  return (ch) => {
    const chunk = Buffer.alloc(256 * 1024, 'QUFB');
    const i = hugeSent.push(0) - 1;
    let open = true;
    ch.on('close', () => (open = false));
    ch.write('FNH1 journal ');
    const pump = () => {
      while (open && hugeSent[i]! < total) {
        hugeSent[i]! += chunk.length;
        if (!ch.write(chunk)) return void ch.once('drain', pump);
      }
      if (open) {
        ch.write(' 0 \n');
        ch.exit(0);
        ch.end();
      }
    };
    pump();
  };
}

let dir: string;
let db: Db;
let agent: RunningAgent;
const servers = new Map<string, FakeSshServer>();
const results: PollResult[] = [];
const logLines: string[] = [];
let baselineRss = 0;
let peakRss = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-hostile-'));
  const key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', key]);
  for (const [name, b] of Object.entries(behaviours)) servers.set(name, await startFakeSshServer(b));
  writeFileSync(path.join(dir, 'known_hosts'), [...servers.values()].map((s) => `[127.0.0.1]:${s.port} ${s.hostPublicKey}`).join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'inventory.yaml'),
    [
      'defaults: { user: fnh, keyPath: ./id_ed25519, knownHostsPath: ./known_hosts }',
      'nodes:',
      ...[...servers].map(([name, s]) => `  - { name: ${name}, host: 127.0.0.1, port: ${s.port} }`),
    ].join('\n'),
  );
  // initdb here, not the migrated template a new store loads: PGlite's shared buffers are then touched before
  // the baseline, so RSS growth measures the agent, not the store's first use of its own memory (~20-70 MiB)
  db = await openPglite(path.join(dir, 'pglite'));
  await migrate(db);
  global.gc?.();
  baselineRss = process.memoryUsage().rss;
  peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  agent = await startAgent({
    db,
    inventory: loadInventoryFile(path.join(dir, 'inventory.yaml')),
    registerShutdown: false,
    lease: false,
    pool: { connectTimeoutMs: 10_000, backoff: { baseMs: 200, maxMs: 1_000 } },
    // The production defaults for the output cap (poller) are what is under test: no maxOutputBytes here.
    poller: { intervalMs: 1_000, pollTimeoutMs: POLL_TIMEOUT_MS, concurrency: 8, log: (m) => logLines.push(m) },
    observe: (r) => results.push(r),
  });
  const deadline = Date.now() + 150_000;
  while (![...servers.keys()].every((n) => results.filter((r) => r.node === n).length >= 2) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  clearInterval(sampler);
  await agent.stop();
}, 200_000);

afterAll(async () => {
  await agent?.stop();
  await db?.close();
  await Promise.all([...servers.values()].map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function status(node: string) {
  const { rows } = await db.query<{ state: string; last_error: { kind: string; message: string } | null }>(
    'select state, last_error from node_status where node = $1',
    [node],
  );
  return rows[0];
}

describe('hostile node output through the real agent', () => {
  it('polled every hostile node at least twice without the agent stopping', () => {
    for (const n of servers.keys()) expect(results.filter((r) => r.node === n).length, n).toBeGreaterThanOrEqual(2);
    // Every outcome was stored: a node whose output the store refuses would stay "pending" with no reason.
    expect(logLines.filter((l) => /storing the poll failed/.test(l))).toEqual([]);
  });

  it('bytes that are not UTF-8 (and NUL, which the store refuses) become U+FFFD or parse issues of their section, never a crash', async () => {
    expect(await status('non-utf8')).toMatchObject({ state: 'ok' });
    const node = await getNode({ name: 'non-utf8', now: new Date(), db });
    // Inside a JSON string: the name is kept, with U+FFFD where the bytes were not UTF-8.
    const stored = await db.query<{ bundle: { sections: Record<string, { stdout: string }> } }>('select bundle from node_raw where node = $1', ['non-utf8']);
    expect(stored.rows[0]!.bundle.sections['ip-link']!.stdout).toContain('\uFFFD');
    // Where JSON structure was expected: a parse issue naming the section.
    expect(node.parseIssues.some((i) => i.startsWith('ip-route'))).toBe(true);
  });

  it('truncated JSON is a parse issue naming each broken section', async () => {
    expect(await status('truncated-json')).toMatchObject({ state: 'ok' });
    const node = await getNode({ name: 'truncated-json', now: new Date(), db });
    expect(node.parseIssues.some((i) => i.startsWith('ip-link'))).toBe(true);
    expect(node.parseIssues.some((i) => i.startsWith('ip-route'))).toBe(true);
  });

  it('a forged (repeated) section line is refused: the node is an error, the forged data is never stored', async () => {
    expect(await status('forged-boundary')).toMatchObject({ state: 'error', last_error: { kind: 'protocol' } });
    const stored = await db.query<{ bundle: unknown }>('select bundle from node_raw where node = $1', ['forged-boundary']);
    expect(JSON.stringify(stored.rows)).not.toContain('forged0');
  });

  it('100 MB of output is cut at the cap: typed error, memory growth well below the output size', async () => {
    expect(await status('huge')).toMatchObject({ state: 'error', last_error: { kind: 'output-too-large' } });
    // No poll of it ever succeeded, and the server never got to send it all: the agent stopped reading.
    expect(results.filter((r) => r.node === 'huge' && r.ok)).toEqual([]);
    expect(hugeSent.length).toBeGreaterThanOrEqual(2);
    for (const sent of hugeSent) expect(sent).toBeLessThan(HUGE_BYTES);
    const growth = peakRss - baselineRss;
    expect(growth, `RSS grew ${Math.round(growth / 1048576)} MiB`).toBeLessThan(HUGE_BYTES / 2);
  });

  it('a connection cut in the middle of a line is an error with its reason', async () => {
    const s = await status('cut-mid-line');
    expect(s?.state).toBe('error');
    expect(['closed', 'protocol']).toContain(s?.last_error?.kind);
  });
});

describe('the real probe script cannot be fooled by what a command prints', () => {
  it('a command printing a section line of its own stays inside its own section', async () => {
    const bin = path.join(dir, 'hostile-bin');
    mkdirSync(bin, { recursive: true });
    const forged = encodeProbeLine('ip-link', '[{"ifindex":9,"ifname":"forged0","flags":["UP"]}]', 0).trim();
    // `hostname` on a compromised node prints a newline and a complete, valid-looking ip-link line.
    writeFileSync(path.join(bin, 'hostname'), `#!/bin/sh\nprintf 'evil\\n${forged}\\n<script>alert(1)</script>\\n'\n`);
    chmodSync(path.join(bin, 'hostname'), 0o755);
    // The exact command string the agent sends over SSH, run by a local shell as sshd would run it.
    const command = buildProbeCommand({ journalSince: Math.floor(Date.now() / 1000) - 60 });
    const { stdout } = await execFileP('sh', ['-c', command], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      maxBuffer: 256 * 1024 * 1024,
    });
    const sections = decodeProbeOutput(stdout);
    expect(sections.hostname?.stdout).toContain(forged);
    expect(sections.hostname?.stdout).toContain('<script>alert(1)</script>');
    expect(sections['ip-link']?.stdout ?? '').not.toContain('forged0');
    // Each section is exactly one line: as many lines as sections.
    expect(stdout.trim().split('\n')).toHaveLength(Object.keys(sections).length);
    expect(readFileSync(path.join(bin, 'hostname'), 'utf8')).toContain('FNH1');
  });
});
