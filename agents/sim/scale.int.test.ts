import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProbeOutput } from '../../lib/probe/decode';
import { buildProbeCommand } from '../../lib/probe/script';
import { startSimFleet, type SimFleet } from './fleet';

// 1,000 nodes in one process (the benchmark's fleet), and the CLI's start/stop.

let dir: string;
let fleet: SimFleet;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-sim-1000-'));
  fleet = await startSimFleet({ count: 1000, dir });
});

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function probeOver(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('error', reject);
    c.on('ready', () =>
      c.exec(buildProbeCommand({ journalSince: Math.floor(Date.now() / 1000) - 60 }), (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString()));
        stream.on('close', () => {
          c.end();
          resolve(out);
        });
      }),
    );
    c.connect({ host: '127.0.0.1', port, username: 'fnh', privateKey: readFileSync(fleet.clientKeyPath, 'utf8') });
  });
}

describe('a 1,000-node fleet', () => {
  it('lists every node in the inventory and known_hosts, each with its own port and host key', () => {
    expect(fleet.nodes).toHaveLength(1000);
    expect(new Set(fleet.nodes.map((n) => n.port)).size).toBe(1000);
    const known = readFileSync(fleet.knownHostsPath, 'utf8').trim().split('\n');
    expect(known).toHaveLength(1000);
    expect(new Set(known.map((l) => l.split(' ')[2])).size).toBe(1000);
    expect(readFileSync(fleet.inventoryPath, 'utf8').match(/^ {2}- \{ name: /gm)).toHaveLength(1000);
  });

  it('answers the probe on nodes across the fleet', async () => {
    const sample = fleet.nodes.filter((n, i) => i % 97 === 3 && n.behavior === 'normal');
    expect(sample.length).toBeGreaterThan(5);
    const answers = await Promise.all(sample.map((n) => probeOver(n.port)));
    answers.forEach((out, i) => {
      const sections = decodeProbeOutput(out);
      expect(sections.hostname?.stdout).toBe(`${sample[i]!.name}\n`);
      expect(sections['ip-route']?.exitCode).toBe(0);
    });
  });
});

describe('the sim CLI', () => {
  it('prints where it wrote the fleet and stops cleanly on SIGTERM', async () => {
    const cliDir = mkdtempSync(path.join(os.tmpdir(), 'fnh-sim-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'cli.ts'), '--nodes', '3', '--dir', cliDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('client key:')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`cli exited early (${code}): ${out}`)));
    });
    expect(out).toContain(`inventory:   ${path.join(cliDir, 'inventory.yaml')}`);
    expect(out).toContain('simulated fleet: 3 nodes on 127.0.0.1');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    rmSync(cliDir, { recursive: true, force: true });
  });
});
