import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryFile } from '../../../agents/inventory-file';
import { startAgent, type RunningAgent } from '../../../agents/poller/start-agent';
import { startSimFleet, type SimFleet } from '../../../agents/sim/fleet';
import { nodeName } from '../../../agents/sim/scenarios';
import type { Db } from '../../db/types';
import { verifyAuditLog } from '../../audit/store/verify';
import type { UserRow } from '../../auth/store/users';
import { getBatch } from './get';
import { previewRemediation } from './preview';
import { requestRemediation } from './request';
import { getRemediationRuntime, setRemediationRuntime, type RemediationRuntime } from './runtime';
import { startBatch } from './start';
import { wireRemediation } from './wire';
import { openMemoryDb } from '../../../tests/support/memory-db';

// The real path without a browser: simulated fleet over SSH, the agent's pool and poller, the stored
// poll diagnosed, remediation wired exactly as the embedded agent does it.

const seed = 'dfw-mn-bm1';
/** a healthy node connected with `-a` (the simulated fleet allocates an IP to healthy nodes 1, 4, 7, …) */
const allocated = nodeName(1);
const operator: UserRow = { id: 'u-op', username: 'op', role: 'operator', source: 'local', disabled: false };
let dir: string;
let fleet: SimFleet;
let db: Db;
let agent: RunningAgent;
let rt: RemediationRuntime;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fnh-remediation-'));
  fleet = await startSimFleet({ count: 3, dir, scenarioOverrides: { [allocated]: 'healthy' } });
  db = await openMemoryDb();
  agent = await startAgent({
    db,
    inventory: loadInventoryFile(fleet.inventoryPath),
    registerShutdown: false,
    poller: { intervalMs: 600_000, log: () => undefined },
  });
  await wireRemediation(agent, db);
  // no settle wait: the simulated daemon changes state at once
  rt = { ...getRemediationRuntime(), sleep: async () => undefined };
  await agent.poller.pollNow(seed);
}, 120_000);

afterAll(async () => {
  setRemediationRuntime(undefined);
  await agent?.stop();
  await db?.close();
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('remediation over SSH on the simulated fleet', () => {
  it('the seed node shows stale sessions before', async () => {
    const before = await rt.health.evidence(seed);
    expect(before.verdicts.some((v) => v.verdict === 'stale-session')).toBe(true);
  });

  it('restart doublezerod runs through sudo -n and is verified by the re-poll', async () => {
    const req = await requestRemediation(
      db,
      rt,
      operator,
      { action: 'restart-doublezerod', nodes: [seed], reason: 'seed bug', idempotencyKey: 'ssh-restart-1' },
      new Date(),
    );
    const started = await startBatch(db, rt, req.batch.id, () => new Date());
    expect(started.first.kind).toBe('claimed');
    await started.completion;
    const run = (await getBatch(db, req.batch.id)).runs[0]!;
    expect(run.results).toEqual([expect.objectContaining({ command: 'sudo -n systemctl restart doublezerod', exitCode: 0 })]);
    expect(run.state).toBe('verified');
    expect(run.summary).toMatch(/stale-session on the node before, none after/);
    expect(run.evidence_after?.verdicts.some((v) => v.verdict === 'stale-session')).toBe(false);
  }, 60_000);

  it('a command the node refuses is recorded as failed with its exit code', async () => {
    const req = await requestRemediation(
      db,
      rt,
      operator,
      { action: 'interface-up', nodes: [seed], params: { ifname: 'doublezero9' }, reason: 'no such link', idempotencyKey: 'ssh-up-1' },
      new Date(),
    );
    await (
      await startBatch(db, rt, req.batch.id, () => new Date())
    ).completion;
    const run = (await getBatch(db, req.batch.id)).runs[0]!;
    expect(run.state).toBe('failed');
    expect(run.results?.[0]?.exitCode).not.toBe(0);
    expect(run.results?.[0]?.exitCode).not.toBeNull();
  }, 60_000);

  it("reconnect-daemon preview reads each node's mode over SSH: -a where the node uses an allocated IP, not on the seed", async () => {
    const p = await previewRemediation(rt, operator, { action: 'reconnect-daemon', nodes: [allocated, seed] });
    const [alloc, plain] = p.nodes;
    expect(alloc!.chosenBecause).toMatch(/^connected as IBRL with allocated IP \(DZ IP [0-9.]+\): will run `doublezero connect ibrl -a`$/);
    expect(alloc!.commands.at(-1)).toBe('sudo -n doublezero connect ibrl -a');
    // the seed node was reconnected without -a: it is plain IBRL now, and a reconnect keeps it so
    expect(plain!.chosenBecause).toMatch(/^connected as IBRL \(DZ IP [0-9.]+\): will run `doublezero connect ibrl`$/);
    expect(plain!.commands.some((c) => c.split(' ').includes('-a'))).toBe(false);
  }, 60_000);

  it('the audit chain of all this verifies', async () => {
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  });
});
