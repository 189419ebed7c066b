import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db';

// GET /metrics as Prometheus scrapes it: the real route handler on a real PGlite store. Anyone gets the
// fleet aggregates; the per-node and per-peer verdict series (node names, peer addresses) need the bearer
// token FNH_METRICS_TOKEN, and a scrape with a wrong token fails loudly (401: Prometheus marks the target
// down) instead of silently lacking the series every alert rule reads.

type Get = (req: Request) => Promise<Response>;
let get: Get;
let db: Db;
let dataDir: string;
const savedEnv = { ...process.env };
const token = 'a-metrics-token-only-this-test-knows';

async function scrape(authorization?: string): Promise<{ status: number; text: string; lines: string[] }> {
  const { NextRequest } = await import('next/server');
  const res = await get(new NextRequest('http://127.0.0.1:3100/metrics', { headers: { host: '127.0.0.1:3100', ...(authorization ? { authorization } : {}) } }));
  const text = await res.text();
  return { status: res.status, text, lines: text.split('\n') };
}

async function node(name: string, opts: { fresh: boolean; worst: string | null; peers: Array<[string, string]> }): Promise<void> {
  const polledAt = opts.fresh ? new Date() : new Date(Date.now() - 10 * 60_000);
  await db.query(`insert into nodes (name, host, port, ssh_user) values ($1, '127.0.0.1', 22, 'fnh')`, [name]);
  await db.query(`insert into node_status (node, state, last_poll_at, last_success_at, poll_ms) values ($1, 'ok', $2, $2, 50)`, [name, polledAt]);
  await db.query(
    `insert into node_summary (node, worst_verdict, node_unknown, doublezero0, peer_count, collected_at, diagnosed_at) values ($1, $2, null, 'up', $3, $4, $4)`,
    [name, opts.worst, opts.peers.length, polledAt],
  );
  for (const [peer, verdict] of opts.peers) {
    await db.query(
      `insert into peer_verdicts (node, peer, interface, local_ip, verdict, evidence, diagnosed_at) values ($1, $2, 'doublezero0', '10.0.0.1', $3, '[]'::jsonb, $4)`,
      [name, peer, verdict, polledAt],
    );
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fnh-metrics-'));
  process.env.FNH_DATA_DIR = path.join(dataDir, 'pglite');
  delete process.env.DATABASE_URL;
  get = ((await import('../../app/metrics/route')) as { GET: Get }).GET;
  const { getDb } = await import('../../lib/db');
  db = await getDb();
  await node('dfw-mn-bm1', {
    fresh: true,
    worst: 'stale-session',
    peers: [
      ['216.238.110.55', 'stale-session'],
      ['198.51.100.7', 'healthy'],
      ['198.51.100.8', 'no-route'],
    ],
  });
  await node('ams-1', { fresh: true, worst: 'healthy', peers: [['198.51.100.9', 'healthy']] });
  // Its last poll is 10 minutes old: unknown now, whatever was diagnosed then; its cells are not reported.
  await node('sin-1', { fresh: false, worst: 'interface-down', peers: [['198.51.100.10', 'interface-down']] });
}, 120_000);

afterAll(async () => {
  await db.close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  delete process.env.FNH_METRICS_TOKEN;
  delete process.env.FNH_METRICS_MAX_PEER_SERIES;
});

describe('/metrics without a token', () => {
  it('keeps the public aggregates and carries no node name or peer address', async () => {
    process.env.FNH_METRICS_TOKEN = token;
    const { status, text } = await scrape();
    expect(status).toBe(200);
    expect(text).toContain('fnh_peer_verdicts{verdict="stale-session"} 1');
    expect(text).toContain('fnh_nodes_by_worst_verdict{verdict="healthy"} 1');
    expect(text).not.toContain('fnh_node_verdict');
    expect(text).not.toContain('dfw-mn-bm1');
    expect(text).not.toContain('216.238.110.55');
  });
});

describe('/metrics with the token', () => {
  it('adds one series per node and verdict and one per non-healthy cell of a fresh node', async () => {
    process.env.FNH_METRICS_TOKEN = token;
    const { status, lines } = await scrape(`Bearer ${token}`);
    expect(status).toBe(200);
    expect(lines).toContain('fnh_node_verdict{node="dfw-mn-bm1",verdict="stale-session"} 1');
    expect(lines).toContain('fnh_node_verdict{node="dfw-mn-bm1",verdict="healthy"} 0');
    expect(lines).toContain('fnh_node_verdict{node="ams-1",verdict="healthy"} 1');
    expect(lines).toContain('fnh_node_verdict{node="sin-1",verdict="unknown"} 1');
    expect(lines).toContain('fnh_node_verdict{node="sin-1",verdict="interface-down"} 0');
    const peers = lines.filter((l) => l.startsWith('fnh_peer_verdict{'));
    // Worst first (stale-session outranks no-route), healthy cells and the stale node's cells left out.
    expect(peers).toEqual([
      'fnh_peer_verdict{node="dfw-mn-bm1",peer="216.238.110.55",verdict="stale-session"} 1',
      'fnh_peer_verdict{node="dfw-mn-bm1",peer="198.51.100.8",verdict="no-route"} 1',
    ]);
    expect(lines).toContain('fnh_peer_verdict_series_omitted 0');
    // The public aggregates stay in the same scrape.
    expect(lines).toContain('fnh_peer_verdicts{verdict="stale-session"} 1');
  });

  it('caps the per-peer series at FNH_METRICS_MAX_PEER_SERIES, worst first, and counts what it left out', async () => {
    process.env.FNH_METRICS_TOKEN = token;
    process.env.FNH_METRICS_MAX_PEER_SERIES = '1';
    const { lines } = await scrape(`Bearer ${token}`);
    expect(lines.filter((l) => l.startsWith('fnh_peer_verdict{'))).toEqual([
      'fnh_peer_verdict{node="dfw-mn-bm1",peer="216.238.110.55",verdict="stale-session"} 1',
    ]);
    expect(lines).toContain('fnh_peer_verdict_series_omitted 1');
    expect(lines).toContain('fnh_peer_verdict_series_cap 1');
  });

  it('answers 401 to a wrong token, or to any token while FNH_METRICS_TOKEN is unset, so the scrape fails loudly', async () => {
    process.env.FNH_METRICS_TOKEN = token;
    const wrong = await scrape(`Bearer ${token}-not`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('dfw-mn-bm1');
    delete process.env.FNH_METRICS_TOKEN;
    const unset = await scrape(`Bearer ${token}`);
    expect(unset.status).toBe(401);
    expect(unset.text).toContain('FNH_METRICS_TOKEN');
  });
});
