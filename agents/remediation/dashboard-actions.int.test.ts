import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../lib/db';
import type { Db } from '../../lib/db/types';
import { AppError } from '../../lib/errors';
import { parseAuditBody } from '../../lib/audit/store/list';
import { verifyAuditLog } from '../../lib/audit/store/verify';
import type { UserRow } from '../../lib/auth/store/users';
import { submitAs, type SubmitContext } from '../../lib/remediation/store/api';
import { getBatch, type BatchWithRuns } from '../../lib/remediation/store/get';
import { previewRemediation } from '../../lib/remediation/store/preview';
import { relayRuntime } from '../../lib/remediation/store/relay';
import { findRemediationRuntime, type RemediationRuntime } from '../../lib/remediation/store/runtime';
import { dispatchPickupMs } from '../../lib/remediation/store/dispatch';
import { DispatchSignals } from '../../lib/remediation/store/signals';
import { startAgentProcess, stopAgentProcesses, waitForAgents, type AgentProcess } from '../lease/testing/agent-process';
import { postgresAvailable, startTempPostgres, type TempPostgres } from '../lease/testing/temp-postgres';
import { startSimFleet, type SimFleet } from '../sim/fleet';
import { nodeName } from '../sim/scenarios';

// Actions from any dashboard, for real (issue 13): a PostgreSQL server started here, a simulated fleet
// over SSH, two `npm run agent` processes sharing it through leases, and this test process as a dashboard
// started with FNH_AGENT=off (no agent, no SSH: the relay runtime its route handlers use). An action runs
// on the node's lease holder and is verified; the lease holder SIGKILLed in the middle of a run leaves an
// intent that the surviving agent closes as outcome-unknown; with no live agent, a request is refused at
// once, audited.

const NODES = 6;
const LEASE_MS = 4_000;
const INTERVAL_MS = 1_000;
const seed = 'dfw-mn-bm1';
/** healthy and connected with -a: its reconnect must keep -a */
const allocated = nodeName(1);

let pg: TempPostgres;
let db: Db;
let dir: string;
let fleet: SimFleet;
let signals: DispatchSignals;
let dashboard: RemediationRuntime;
let ctx: SubmitContext;
const agents = new Map<string, AgentProcess>();
const operator = (username: string): UserRow => ({ id: `u-${username}`, username, role: 'operator', source: 'local', disabled: false });
let keyN = 0;
const key = () => `dash-${++keyN}-${Date.now()}`;
const restart = (node: string) => ({ action: 'restart-doublezerod', nodes: [node], reason: 'stale sessions after reconnect', idempotencyKey: key() });

function startAgent(id: string): AgentProcess {
  const agent = startAgentProcess({
    id,
    inventory: fleet.inventoryPath,
    databaseUrl: pg.url,
    args: ['--interval', String(INTERVAL_MS), '--timeout', '5000', '--lease-ms', String(LEASE_MS)],
    env: { NODE_ENV: 'production' },
  });
  agents.set(id, agent);
  return agent;
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitForAgents(agents.values(), what, probe, { timeoutMs, everyMs: 100 });

async function holderOf(node: string): Promise<string> {
  const { rows } = await db.query<{ agent_id: string }>(`select agent_id from node_leases where node = $1 and expires_at > now()`, [node]);
  if (!rows[0]) throw new Error(`nobody holds ${node}`);
  return rows[0].agent_id;
}

async function auditOf(node: string): Promise<{ type: string; actor: string; entry: Record<string, unknown> }[]> {
  const { rows } = await db.query<{ type: string; actor: string; body: string }>('select type, actor, body from audit_log where node = $1 order by seq', [
    node,
  ]);
  return rows.map((r) => ({ type: r.type, actor: r.actor, entry: parseAuditBody(r.body).entry as Record<string, unknown> }));
}

const finished = (b: BatchWithRuns) => b.batch.state === 'done' && b.runs.every((r) => !['pending', 'running'].includes(r.state));

describe.runIf(postgresAvailable())('actions from a dashboard without an agent, run by the lease holder (PostgreSQL, agent processes)', () => {
  beforeAll(async () => {
    pg = await startTempPostgres();
    dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-dash-actions-'));
    fleet = await startSimFleet({ count: NODES, dir, scenarioOverrides: { [nodeName(5)]: 'normal', [allocated]: 'healthy' } });
    startAgent('agent-a');
    startAgent('agent-b');
    db = await openDb({ databaseUrl: pg.url });
    signals = new DispatchSignals(async () => db);
    // What a route handler of a dashboard started with FNH_AGENT=off uses: nothing registered, so it relays.
    expect(findRemediationRuntime()).toBeUndefined();
    dashboard = relayRuntime(db, { signals });
    ctx = { clock: () => new Date(), signals };
    await waitFor(
      'both agents to hold half of the fleet and every node to be polled',
      async () => {
        const { rows } = await db.query<{ agent_id: string; n: number }>(
          `select agent_id, count(*)::int as n from node_leases where expires_at > now() group by agent_id`,
        );
        const polled = await db.query<{ n: number }>('select count(*)::int as n from node_status where last_success_at is not null');
        return rows.length === 2 && rows.every((r) => r.n === NODES / 2) && polled.rows[0]!.n === NODES ? true : undefined;
      },
      120_000,
    );
  });

  afterAll(async () => {
    await stopAgentProcesses(agents.values());
    await signals?.close();
    await db?.close();
    await fleet?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the action on the node lease holder (only there), streams its output back through the store, and verifies it', async () => {
    const holder = await holderOf(seed);
    const other = holder === 'agent-a' ? 'agent-b' : 'agent-a';
    const { result, conflict } = await submitAs(db, dashboard, operator('olga'), restart(seed), ctx);
    expect(conflict).toBeUndefined();
    expect(result.runs[0]!.state).toBe('running');
    // The page follows the run by reading it (GET /api/actions/runs/<id> = getBatch): the command's output
    // shows up there as soon as the agent wrote it, before the outcome.
    const progress = await waitFor(
      'the command output in the store',
      async () => {
        const b = await getBatch(db, result.batch.id);
        return b.runs[0]!.results?.length ? b : undefined;
      },
      30_000,
    );
    expect(progress.runs[0]!.results![0]).toMatchObject({ command: 'sudo -n systemctl restart doublezerod', exitCode: 0 });
    const done = await waitFor(
      'the outcome',
      async () => {
        const b = await getBatch(db, result.batch.id);
        return finished(b) ? b : undefined;
      },
      60_000,
    );
    expect(done.runs[0]).toMatchObject({ state: 'verified', summary: expect.stringMatching(/stale-session on the node before, none after/) });
    const { rows } = await db.query<{ picked_by: string }>('select picked_by from remediation_dispatch where run_id = $1', [done.runs[0]!.id]);
    expect(rows[0]!.picked_by).toBe(holder);
    expect(agents.get(holder)!.output.join('')).toContain(`running restart-doublezerod on ${seed}`);
    expect(agents.get(other)!.output.join('')).not.toContain(`running restart-doublezerod on ${seed}`);
    expect((await auditOf(seed)).map((r) => `${r.type} ${r.actor}`)).toEqual([
      'remediation.requested olga',
      'remediation.intent olga',
      'remediation.outcome olga',
    ]);
  }, 120_000);

  it('reconnect reads the node mode through its lease holder: -a where the daemon reports an allocated IP', async () => {
    const p = await previewRemediation(dashboard, operator('olga'), { action: 'reconnect-daemon', nodes: [allocated] });
    expect(p.nodes[0]!.refusal).toBeUndefined();
    expect(p.nodes[0]!.chosenBecause).toMatch(/^connected as IBRL with allocated IP \(DZ IP [0-9.]+\): will run `doublezero connect ibrl -a`$/);
    const { rows } = await db.query<{ picked_by: string; kind: string }>(
      `select picked_by, kind from remediation_dispatch where node = $1 and kind = 'status-read'`,
      [allocated],
    );
    expect(rows).toEqual([{ picked_by: await holderOf(allocated), kind: 'status-read' }]);
  }, 60_000);

  it('the lease holder SIGKILLed mid-run: the run is recorded as outcome-unknown, never lost, and the audit chain verifies', async () => {
    const node = nodeName(2);
    const victim = agents.get(await holderOf(node))!;
    const survivor = [...agents.values()].find((a) => a !== victim)!;
    const { result } = await submitAs(db, dashboard, operator('pavel'), restart(node), ctx);
    // Mid-run: the command ran (its output is in the store), the agent waits its settle time before the re-poll.
    await waitFor('the command to have run', async () => ((await getBatch(db, result.batch.id)).runs[0]!.results?.length ? true : undefined), 30_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    const closed = await waitFor(
      'the run to be closed',
      async () => {
        const b = await getBatch(db, result.batch.id);
        return finished(b) ? b : undefined;
      },
      LEASE_MS + 30_000,
    );
    // once the dead agent's heartbeat lapsed (LEASE_MS), at the survivor's next check (2 s), with slack for a busy machine
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 2_000 + 6_000);
    expect(closed.runs[0]!.state).toBe('outcome-unknown');
    const audit = await auditOf(node);
    expect(audit.map((r) => `${r.type} ${r.actor}`)).toEqual(['remediation.requested pavel', 'remediation.intent pavel', 'remediation.outcome-unknown system']);
    expect(audit[2]!.entry.why).toBe(`the agent ${victim.id} that ran it stopped (its heartbeat lapsed) before recording the outcome; requested by pavel`);
    // Which live process closed it (the survivor's sweep or another one's) is not fixed: any may, and one did.
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true });

    // The survivor is the node's next lease holder, and the next action there runs on it.
    await waitFor('the survivor to hold the node', async () => ((await holderOf(node).catch(() => '')) === survivor.id ? true : undefined), LEASE_MS + 20_000);
    const again = await submitAs(db, dashboard, operator('pavel'), restart(node), ctx);
    const done = await waitFor(
      'the second run',
      async () => {
        const b = await getBatch(db, again.result.batch.id);
        return finished(b) ? b : undefined;
      },
      60_000,
    );
    expect(done.runs[0]!.state).toBe('verified');
  }, 180_000);

  it('no live agent holds the lease: refused at once with the reason, audited, nothing run', async () => {
    const survivor = [...agents.values()].find((a) => a.child.exitCode === null && a.child.signalCode === null)!;
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(143);
    const started = Date.now();
    const err = await submitAs(db, dashboard, operator('quinn'), restart(seed), ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    // Fast: it does not wait out the pickup time that a live holder would get.
    expect(Date.now() - started).toBeLessThan(dispatchPickupMs);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('unprocessable');
    expect((err as AppError).message).toMatch(new RegExp(`^no live agent holds the lease of ${seed}, and this dashboard runs no agent: nothing was run`));
    const last = (await auditOf(seed)).at(-1)!;
    expect(last).toMatchObject({ type: 'remediation.refused', actor: 'quinn', entry: { action: 'restart-doublezerod', why: (err as AppError).message } });
    expect((await db.query(`select 1 from remediation_batches where requested_by = 'quinn'`)).rows).toHaveLength(0);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  }, 60_000);
});
