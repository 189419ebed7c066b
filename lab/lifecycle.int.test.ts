import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadInventoryFile } from '../agents/inventory-file';
import { startAgent, type RunningAgent } from '../agents/poller/start-agent';
import { saveBundleFolder } from '../lib/bundle/folder';
import type { Db } from '../lib/db/types';
import { alertmanagerPayloadSchema } from '../lib/alerts/alertmanager';
import { DEFAULT_WINDOW_MS, diagnose } from '../lib/diagnosis/diagnose';
import { verdicts, type Verdict } from '../lib/diagnosis/types';
import { normalizeBundle } from '../lib/model/normalize';
import { parseMetrics } from '../lib/parse/metrics';
import type { UserRow } from '../lib/auth/store/users';
import { getAlertTriage } from '../lib/alerts/store/get-alert-triage';
import { getNode } from '../lib/node/store/get-node';
import { listFleet } from '../lib/fleet/store/list-fleet';
import { listPeerGrid } from '../lib/peers/store/list-peer-grid';
import { renderMetrics } from '../lib/metrics/store/collect';
import { defaultMaxPeerSeries } from '../lib/metrics/store/verdicts';
import { loadLatestBundle } from '../lib/ingest/store/raw-sections';
import { recordAlerts } from '../lib/alerts/store/record-alerts';
import { getBatch, type BatchWithRuns } from '../lib/remediation/store/get';
import { requestRemediation } from '../lib/remediation/store/request';
import { getRemediationRuntime, setRemediationRuntime } from '../lib/remediation/store/runtime';
import { startBatch } from '../lib/remediation/store/start';
import { wireRemediation } from '../lib/remediation/store/wire';
import { loadSessionEvents } from '../lib/ingest/store/session-events';
import { openMemoryDb } from '../tests/support/memory-db';
import { fingerprintOf, notification } from '../tests/alerting/testing/alertmanager-payload';
import { collectLab, polled } from './test/agent';
import { RUN_DIR, holdLabLock, labScript, nodeWith, readLab, type LabNode } from './test/lab-env';

// Issue 12, point 4 (the lab part): on the seed node (lab-a, client v0.8.0, 200 stale sessions) the
// "Restart doublezerod" remediation runs through the product's own path — the agent (SSH pool + poller)
// writing every poll to the store, remediation wired to that agent exactly as the embedded agent does
// (lib/remediation/store/wire.ts), the real settle wait and verifying re-poll — and then every view reads the node's
// formerly stale peers as `recovering` (or healthy), never stale-session, with no poll after the
// verifying one: fleet row, node page, peer grid, the triage page's cell, /metrics, the verifier, and
// `npm run diagnose` on a bundle collected from the node after the fix. All of them agree peer by peer.
// Needs root (network namespaces, veths, sshd), as lab/lab.int.test.ts.
const isRoot = process.getuid?.() === 0;
const run = promisify(execFile);
const repo = path.join(__dirname, '..');
const SEND_WARNING = 'liveness.scheduler: error writing UDP packet';
const operator: UserRow = { id: 'u-lab-op', username: 'lab-operator', role: 'operator', source: 'local', disabled: false };

/** The verdict per peer, from one view. Healthy peers are left out of /metrics; they are added back as healthy. */
type PeerVerdicts = Record<string, Verdict>;
const verdictSchema = z.enum(verdicts);

/** The node's cells in the peer grid (what /api/peers serves, live or pinned). */
function gridVerdictsOf(grid: Awaited<ReturnType<typeof listPeerGrid>>, node: string): PeerVerdicts {
  const row = grid.rows.findIndex((r) => r.name === node);
  const out: PeerVerdicts = {};
  for (const [r, c, v] of grid.cells) if (r === row) out[grid.cols[c]!.ip] = verdictSchema.parse(verdicts[v]);
  return out;
}

/** fnh_peer_verdict{node,peer,verdict} of the /metrics body (with the metrics token: verdict series on). */
function metricsVerdictsOf(body: string, node: string, peers: readonly string[]): PeerVerdicts {
  const series = parseMetrics(body, 'fnh_').items.filter((m) => m.name === 'fnh_peer_verdict' && m.labels.node === node && m.value === 1);
  // one series per non-healthy cell: a peer without one is healthy (the metric's own help text says so)
  const out: PeerVerdicts = Object.fromEntries(peers.map((p) => [p, 'healthy' as Verdict]));
  for (const m of series) out[m.labels.peer ?? ''] = verdictSchema.parse(m.labels.verdict);
  return out;
}

function nodeVerdict(body: string, node: string): string | undefined {
  return parseMetrics(body, 'fnh_').items.find((m) => m.name === 'fnh_node_verdict' && m.labels.node === node && m.value === 1)?.labels.verdict;
}

const byPeer = (list: readonly { peer: string; verdict: string }[]): PeerVerdicts =>
  Object.fromEntries(list.map((p) => [p.peer, verdictSchema.parse(p.verdict)]));

if (!isRoot) {
  describe('lab: one verdict lifecycle in every view', () => {
    it.skip('skipped: the lab needs root (network namespaces, veths, sshd, sudo)', () => undefined);
  });
} else {
  describe('lab: one verdict lifecycle in every view', () => {
    let release: (() => void) | undefined;
    let node: LabNode;
    let db: Db;
    let agent: RunningAgent;
    let bundleDir: string;
    /** peers the store called stale-session before the fix, and those among them a send warning named */
    let staleBefore: string[];
    let warnedBefore: Set<string>;
    let alertPeer: string;
    let batch: BatchWithRuns;
    /** when the remediation (its verifying re-poll included) had finished */
    let fixedAt: Date;

    beforeAll(async () => {
      release = await holdLabLock();
      await labScript('up.sh');
      node = nodeWith(readLab(), 'stale-session');
      bundleDir = await mkdtemp(path.join(tmpdir(), 'fnh-lifecycle-'));
      db = await openMemoryDb();
      const inventory = loadInventoryFile(path.join(RUN_DIR, 'inventory.yaml'));
      // Only the seed node: nothing but the remediation's own re-poll may poll it after the fix.
      agent = await startAgent({
        db,
        inventory: { ...inventory, nodes: inventory.nodes.filter((n) => n.name === node.name) },
        registerShutdown: false,
        poller: { intervalMs: 3_600_000, pollTimeoutMs: 30_000, log: () => undefined },
      });
      await wireRemediation(agent, db);
    }, 180_000);

    afterAll(async () => {
      setRemediationRuntime(undefined);
      try {
        await agent?.stop();
        await db?.close();
        if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
        await labScript('down.sh');
      } finally {
        release?.();
      }
    }, 120_000);

    it('before: the agent stores stale-session for the seed node’s peers, an alert fires on one of them', async () => {
      // poll until the daemon-wide throttle has named a few stale sessions (one warning per 5 s)
      for (let attempt = 0; ; attempt++) {
        const status = await agent.poller.pollNow(node.name);
        expect(status.state, status.lastError?.message).toBe('ok');
        const warned = await db.query<{ peer_ip: string }>(`select distinct peer_ip from liveness_events where node = $1 and msg = $2 and local_ip = $3`, [
          node.name,
          SEND_WARNING,
          node.allocatedIp,
        ]);
        warnedBefore = new Set(warned.rows.map((r) => r.peer_ip));
        if (warnedBefore.size >= 3 || attempt >= 10) break;
        await new Promise((r) => setTimeout(r, 5_000));
      }
      expect(warnedBefore.size).toBeGreaterThanOrEqual(3);
      const { rows } = await db.query<{ peer: string }>(`select peer from peer_verdicts where node = $1 and verdict = 'stale-session' order by peer`, [
        node.name,
      ]);
      staleBefore = rows.map((r) => r.peer);
      for (const p of warnedBefore) expect(staleBefore).toContain(p);
      const fleet = await listFleet({ now: new Date(), db, only: node.name });
      expect(fleet.nodes[0]).toMatchObject({ worstVerdict: 'stale-session', checks: { verdict: { status: 'fail', label: 'stale-session' } } });

      // Alertmanager's notification for one of the stale cells (FnhPeerFailing, deploy/prometheus/rules.yml)
      alertPeer = [...warnedBefore].sort()[0]!;
      const answer = await recordAlerts({
        payload: alertmanagerPayloadSchema.parse(
          notification([
            {
              fingerprint: fingerprintOf(0x5eed),
              startsAt: new Date(Date.now() - 1_000).toISOString(),
              labels: { node: node.name, peer: alertPeer, verdict: 'stale-session' },
            },
          ]),
        ),
        now: new Date(),
        publicOrigin: null,
        db,
      });
      expect(answer.alerts[0]).toMatchObject({ node: node.name, peer: alertPeer });
    });

    it('Restart doublezerod runs over SSH through sudo -n, and the verifying re-poll calls it verified', async () => {
      const rt = getRemediationRuntime();
      const req = await requestRemediation(
        db,
        rt,
        operator,
        { action: 'restart-doublezerod', nodes: [node.name], reason: 'seed bug: stale sessions', idempotencyKey: 'lab-lifecycle-restart' },
        new Date(),
      );
      const started = await startBatch(db, rt, req.batch.id, () => new Date());
      expect(started.first.kind).toBe('claimed');
      await started.completion;
      fixedAt = new Date();
      batch = await getBatch(db, req.batch.id);
      const runRow = batch.runs[0]!;
      expect(runRow.results).toEqual([expect.objectContaining({ command: 'sudo -n systemctl restart doublezerod', exitCode: 0 })]);
      expect(runRow.state).toBe('verified');
      expect(runRow.summary).toBe(`${staleBefore.length} peer(s) with stale-session on the node before, none after`);
    }, 90_000);

    it('within that one poll every view says recovering (or healthy) for the formerly stale peers, and they all agree', async () => {
      // No poll since the verifying one: each view reads what that poll stored. `now` is when the fix ended,
      // so the one freshness rule (30 s) holds however slow this machine is.
      const now = fixedAt;
      const { rows: polls } = await db.query<{ last_success_at: Date }>(`select last_success_at from node_status where node = $1`, [node.name]);
      const lastPoll = polls[0]!.last_success_at;
      // the node's latest poll is the verifier's own re-poll: no other poll came after the fix
      expect(lastPoll.toISOString()).toBe(batch.runs[0]!.evidence_after?.collectedAt);

      // which formerly stale peers still have a send warning in the window: those are recovering, the rest healthy
      const { rows: inWindow } = await db.query<{ peer_ip: string }>(
        `select distinct peer_ip from liveness_events where node = $1 and msg = $2 and local_ip = $3 and at > $4`,
        [node.name, SEND_WARNING, node.allocatedIp, new Date(lastPoll.getTime() - DEFAULT_WINDOW_MS)],
      );
      const recovering = new Set(inWindow.map((r) => r.peer_ip));
      expect(recovering.has(alertPeer)).toBe(true);
      const expected: PeerVerdicts = Object.fromEntries(node.peers.map((p) => [p, recovering.has(p) ? 'recovering' : 'healthy']));

      // node page
      const detail = await getNode({ name: node.name, now, db });
      const fromNode = byPeer(detail.peers);
      expect(detail.findings.map((f) => f.kind)).not.toContain('stale-local-ip');
      // peer grid, live
      const fromGrid = gridVerdictsOf(await listPeerGrid({ now, db }), node.name);
      // /metrics with the verdict series (what Prometheus scrapes with the token)
      const metrics = await renderMetrics(db, { verdictSeries: { now, maxPeerSeries: defaultMaxPeerSeries } });
      const fromMetrics = metricsVerdictsOf(metrics, node.name, node.peers);
      // the verifier's own evidence after the re-poll
      const after = batch.runs[0]!.evidence_after;
      const fromVerifier = byPeer(after?.verdicts.filter((v) => !v.peer.startsWith('node:')) ?? []);

      for (const [view, got] of Object.entries({ node: fromNode, grid: fromGrid, metrics: fromMetrics, verifier: fromVerifier })) {
        expect({ view, verdicts: got }).toEqual({ view, verdicts: expected });
      }

      // fleet row: the worst verdict and the verdict check (not red: status warn)
      const fleet = (await listFleet({ now, db, only: node.name })).nodes[0];
      expect(fleet).toMatchObject({ worstVerdict: 'recovering', checks: { verdict: { status: 'warn', label: 'recovering' } } });
      expect(nodeVerdict(metrics, node.name)).toBe('recovering');
      expect(metrics).not.toMatch(/^fnh_peer_verdict\{[^}]*verdict="stale-session"/m);

      // The triage page: an alert on the cell opens the peer grid pinned to the alert's moment. The episode that
      // fired before the fix shows the cell as it was then (history); one that started after the fix (any alert
      // naming this node × peer, e.g. from another exporter) shows what holds now: recovering.
      const before = await getAlertTriage({ fingerprint: fingerprintOf(0x5eed), db });
      expect(gridVerdictsOf(await listPeerGrid({ now, at: new Date(before.alert.pinnedAt), db }), node.name)[alertPeer]).toBe('stale-session');
      const laterStart = new Date(lastPoll.getTime() + 1);
      await recordAlerts({
        payload: alertmanagerPayloadSchema.parse(
          notification([
            {
              fingerprint: fingerprintOf(0x5eee),
              startsAt: laterStart.toISOString(),
              labels: { alertname: 'PeerProbeLatency', node: node.name, peer: alertPeer },
            },
          ]),
        ),
        now,
        publicOrigin: null,
        db,
      });
      const triage = await getAlertTriage({ fingerprint: fingerprintOf(0x5eee), db });
      expect(triage.alert).toMatchObject({ node: node.name, peer: alertPeer });
      const fromTriage = gridVerdictsOf(await listPeerGrid({ now, at: new Date(triage.alert.pinnedAt), db }), node.name);
      expect(fromTriage).toEqual(expected);

      // `npm run diagnose` on a bundle collected from the node after the fix (the agent's probe: the first poll
      // of a fresh poller reads the last 15 min of journal, so the bundle holds the stale warnings and the restart)
      const collected = polled(await collectLab([node.name]), node.name);
      await saveBundleFolder(bundleDir, collected.bundle);
      const { stdout } = await run('npm', ['run', '--silent', 'diagnose', '--', bundleDir], { cwd: repo, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
      const offline = z
        .object({
          worst: z.string().nullable(),
          peers: z.array(z.object({ peer: z.string(), verdict: z.string() })),
          findings: z.array(z.object({ kind: z.string() })),
        })
        .parse(JSON.parse(stdout));
      expect(byPeer(offline.peers)).toEqual(expected);
      expect(offline.worst).toBe('recovering');
      expect(offline.findings.map((f) => f.kind)).not.toContain('stale-local-ip');

      // the formerly stale peers: none stale-session anywhere; those the warnings named are recovering
      for (const p of staleBefore) expect(['recovering', 'healthy']).toContain(expected[p]);
    }, 120_000);

    it('recovering turns healthy once the window has passed the last stale warning', async () => {
      // The services all use the fixed 15-min window (lib/ingest/store/poll.ts DEFAULT_WINDOW_MS) and judge freshness by
      // the wall clock, so instead of waiting 15 min the diagnosis is run as a later poll would run it when the
      // node logged nothing new: the stored bundle at a collectedAt past the window, over the stored log read
      // exactly as the views diagnose on read (loadSessionEvents, the same window).
      const latest = await loadLatestBundle(db, node.name);
      expect(latest).not.toBeNull();
      const diagnoseAt = async (at: Date) => {
        const state = normalizeBundle({ ...latest!, meta: { ...latest!.meta, collectedAt: at.toISOString() } });
        return diagnose(state, { earlierEvents: await loadSessionEvents(db, node.name, at, DEFAULT_WINDOW_MS) });
      };
      const { rows } = await db.query<{ last: Date }>(`select max(at) as last from liveness_events where node = $1 and msg = $2`, [node.name, SEND_WARNING]);
      const lastWarning = rows[0]!.last;
      // just inside the window of the last stale warning: still recovering, its evidence says the daemon restarted
      const inside = await diagnoseAt(new Date(lastWarning.getTime() + DEFAULT_WINDOW_MS - 1_000));
      expect(inside.worst).toBe('recovering');
      expect(inside.peers.filter((p) => p.verdict === 'recovering').every((p) => p.details.cleared?.by === 'daemon-restarted')).toBe(true);
      // once it has passed: every peer healthy, no finding
      const past = await diagnoseAt(new Date(lastWarning.getTime() + DEFAULT_WINDOW_MS + 1_000));
      expect(byPeer(past.peers)).toEqual(Object.fromEntries(node.peers.map((p) => [p, 'healthy'])));
      expect(past.findings).toEqual([]);
      expect(past.worst).toBe('healthy');
    });
  });
}
