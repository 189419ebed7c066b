import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db';
import type { Db } from '../../lib/db/types';
import { sseReader } from '../../lib/live/sse-read';
import { readLeaseHolders } from '../../lib/lease/store/holders';
import { renderMetrics } from '../../lib/metrics/store/collect';
import { PollFanout } from '../../lib/live/store/notify-fanout';
import { openPollEventStream } from '../../lib/live/store/notify-event-stream';
import { listenPolls } from '../../lib/live/store/notify-poll';
import { startSimFleet, type SimFleet } from '../sim/fleet';
import { nodeName } from '../sim/scenarios';
import { startAgentProcess, stopAgentProcesses, waitForAgents, type AgentProcess } from './testing/agent-process';
import { postgresAvailable, startTempPostgres, type TempPostgres } from './testing/temp-postgres';

// Many machines (issue 7) for real: a PostgreSQL server started here, a simulated fleet of 30 SSH
// nodes, and two `npm run agent` processes sharing it through leases. One is SIGKILLed; the other
// must poll every node again once the dead agent's leases run out.

const NODES = 30;
const LEASE_MS = 6_000;
const RENEW_MS = LEASE_MS / 3; // the keeper's default
const INTERVAL_MS = 1_000;
// What the survivor needs after the lease runs out: its next tick, then the spread first poll of each
// node taken over, on a 2-core machine shared with other work (a poll itself takes tens of ms here).
const TAKEOVER_SLACK_MS = 4_000;

let pg: TempPostgres;
let db: Db;
let dir: string;
let fleet: SimFleet;
const agents = new Map<string, AgentProcess>();

function startAgent(id: string): AgentProcess {
  const agent = startAgentProcess({
    id,
    inventory: fleet.inventoryPath,
    databaseUrl: pg.url,
    args: ['--interval', String(INTERVAL_MS), '--timeout', '5000', '--leases', 'auto', '--lease-ms', String(LEASE_MS)],
    env: { NODE_ENV: 'production' },
  });
  agents.set(id, agent);
  return agent;
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitForAgents(agents.values(), what, probe, { timeoutMs, everyMs: 200 });

async function successes(): Promise<Map<string, Date>> {
  const { rows } = await db.query<{ node: string; last_success_at: Date | null }>('select node, last_success_at from node_status');
  return new Map(rows.filter((r) => r.last_success_at).map((r) => [r.node, new Date(r.last_success_at as Date)]));
}

function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // after "pid (comm) ": state is field 3, nice field 19
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.runIf(postgresAvailable())('agents sharing the fleet through PostgreSQL leases', () => {
  beforeAll(async () => {
    pg = await startTempPostgres();
    dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-many-'));
    // Node 5 is an unreachable one by default; here every node answers, so every node can succeed.
    fleet = await startSimFleet({ count: NODES, dir, scenarioOverrides: { [nodeName(5)]: 'normal' } });
    // Both agents meet an empty database and migrate it themselves, as on a first deployment.
    startAgent('agent-a');
    startAgent('agent-b');
    db = await openDb({ databaseUrl: pg.url });
  });

  afterAll(async () => {
    await stopAgentProcesses(agents.values());
    await db?.close();
    await fleet?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('splits the nodes between the two agents, half each, and every node gets polled', async () => {
    const holders = await waitFor(
      'both agents to hold half of the fleet',
      async () => {
        const h = await readLeaseHolders(db);
        return h.byAgent.get('agent-a') === NODES / 2 && h.byAgent.get('agent-b') === NODES / 2 ? h : undefined;
      },
      120_000,
    );
    expect(holders.unheld).toBe(0);
    expect(holders.liveAgents).toBe(2);
    // polling is background work: each agent lowered itself to the default nice 10 (field 19 of /proc/PID/stat)
    for (const id of ['agent-a', 'agent-b']) expect(niceOf(agents.get(id)!.child.pid!), id).toBe(10);
    await waitFor('a successful poll of every node', async () => ((await successes()).size === NODES ? true : undefined), 60_000);
  });

  it('delivers NOTIFYs from both agent processes to a listener here, and the SSE stream turns them into events', async () => {
    const { rows } = await db.query<{ node: string; agent_id: string }>('select node, agent_id from node_leases');
    const holderOf = new Map(rows.map((r) => [r.node, r.agent_id]));
    const heardFrom = new Set<string>();
    const unlisten = await listenPolls(db, (node) => {
      const holder = holderOf.get(node);
      if (holder) heardFrom.add(holder);
    });
    try {
      await waitFor('NOTIFYs for nodes of both agents', async () => (heardFrom.size === 2 ? true : undefined), 30_000);
    } finally {
      await unlisten();
    }

    const abort = new AbortController();
    const fanout = new PollFanout(async () => db);
    const events = sseReader(await openPollEventStream({ fanout, signal: abort.signal, batchMs: 100 }));
    try {
      const hello = await events.next();
      expect(hello.event).toBe('hello');
      expect(Date.parse((JSON.parse(hello.data) as { serverTime: string }).serverTime)).not.toBeNaN();
      const poll = await events.next();
      expect(poll.event).toBe('poll');
      const { nodes } = JSON.parse(poll.data) as { nodes: string[] };
      expect(nodes.length).toBeGreaterThan(0);
      for (const n of nodes) expect(fleet.nodes.map((f) => f.name)).toContain(n);
    } finally {
      abort.abort();
      await fanout.close();
    }
  });

  it('/metrics shows both lease holders and the polls they stored', async () => {
    const text = await renderMetrics(db);
    expect(text).toContain(`fnh_node_leases{agent="agent-a"} ${NODES / 2}`);
    expect(text).toContain(`fnh_node_leases{agent="agent-b"} ${NODES / 2}`);
    expect(text).toContain('fnh_agents_live 2');
    expect(text).toContain('fnh_nodes_unleased 0');
    const okPolls = Number(/^fnh_polls_total\{result="ok"\} (\d+)$/m.exec(text)?.[1]);
    expect(okPolls).toBeGreaterThanOrEqual(NODES);
    // ingest diagnoses every poll: the simulated nodes' liveness peers have verdicts, some of them not healthy
    const verdicts = [...text.matchAll(/^fnh_peer_verdicts\{verdict="([a-z-]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(verdicts.reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(0);
    expect(verdicts.filter(([v, n]) => v !== 'healthy' && n > 0).length).toBeGreaterThan(0);
  });

  it('after a SIGKILL of one agent, the other polls all its nodes again once their leases expire, within the lease period + renewal + poll interval', async () => {
    const victim = agents.get('agent-a') as AgentProcess;
    const { rows: leased } = await db.query<{ node: string; expires_at: Date }>(`select node, expires_at from node_leases where agent_id = 'agent-a'`);
    expect(leased).toHaveLength(NODES / 2);
    victim.child.kill('SIGKILL');
    const { rows: clock } = await db.query<{ now: Date }>('select now() as now');
    const killedAt = new Date(clock[0]!.now).getTime();
    await victim.exited;
    // The dead agent can no longer renew, so these are its leases' final expiries.
    const { rows: finalLeases } = await db.query<{ node: string; expires_at: Date }>(`select node, expires_at from node_leases where agent_id = 'agent-a'`);
    const expiry = new Map(finalLeases.map((r) => [r.node, new Date(r.expires_at).getTime()]));

    // Watch each orphaned node for its first success after the kill.
    const firstAfterKill = new Map<string, number>();
    await waitFor(
      'every node polled successfully after the kill',
      async () => {
        const now = await successes();
        for (const { node } of leased) {
          const at = now.get(node)?.getTime();
          if (at !== undefined && at > killedAt && !firstAfterKill.has(node)) firstAfterKill.set(node, at);
        }
        return [...now.values()].filter((d) => d.getTime() > killedAt).length === NODES && firstAfterKill.size === leased.length ? true : undefined;
      },
      LEASE_MS + 60_000,
    );

    const holders = await readLeaseHolders(db);
    expect(Object.fromEntries(holders.byAgent)).toEqual({ 'agent-b': NODES });
    for (const { node } of leased) {
      const at = firstAfterKill.get(node) as number;
      // Exclusive: the survivor did not touch a node while the dead agent's lease on it was still valid...
      expect(at, node).toBeGreaterThanOrEqual(expiry.get(node) as number);
      // ...and took it over within one lease period (plus its next tick, the poll interval and slack).
      expect(at - killedAt, node).toBeLessThanOrEqual(LEASE_MS + RENEW_MS + INTERVAL_MS + TAKEOVER_SLACK_MS);
    }
  });

  it('a clean stop (SIGTERM) gives the leases back and ends the heartbeat at once', async () => {
    const survivor = agents.get('agent-b') as AgentProcess;
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(143);
    const holders = await readLeaseHolders(db);
    expect(holders.byAgent.size).toBe(0);
    expect(holders.unheld).toBe(NODES);
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from agent_heartbeats where agent_id = 'agent-b'`);
    expect(rows[0]?.n).toBe(0);
  });
});
