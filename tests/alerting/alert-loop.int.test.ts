import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryFile } from '../../agents/inventory-file';
import { startAgent, type RunningAgent } from '../../agents/poller/start-agent';
import { startSimFleet, type SimFleet } from '../../agents/sim/fleet';
import { nodeName } from '../../agents/sim/scenarios';
import { alertListSchema, alertTriageSchema, type AlertRow } from '../../lib/alerts/alerts';
import { buildPeerMatrix, cellVerdict, peerGridResponseSchema } from '../../lib/peers/peer-matrix';
import { sessionCookieName } from '../../lib/auth/session-token';
import type { Db } from '../../lib/db';
import { startCaptureServer, type CaptureServer } from './testing/capture-server';
import {
  alertmanagerConfigForTest,
  prometheusConfigForTest,
  readDeployFile,
  rulesForTest,
  startAlertmanager,
  startPrometheus,
  templateForTest,
  type RunningProgram,
} from './testing/prometheus-stack';
import { serveDashboard, type ServedDashboard } from './testing/serve-dashboard';

// The alerting loop with the real programs (issue 14 part 2): a simulated fleet (real SSH servers) polled
// by the real agent into PGlite; the dashboard's real handlers served on 127.0.0.1; the real Prometheus
// (Debian `prometheus`) scrapes /metrics with the bearer token and evaluates the shipped rules; the real
// Alertmanager (Debian `prometheus-alertmanager`) routes with the shipped config and template to our
// webhook and to loopback stand-ins for Slack and PagerDuty. The seed node dfw-mn-bm1 is in the
// stale-session incident → FnhPeerFailing fires → /alerts lists it, its triage link opens the node × peer
// cell → the daemon is restarted over SSH (the remediation's command) → the alert resolves.
// Test-only changes to the shipped files: addresses, temp paths, `for:` 2 s, 1-2 s intervals.

const seed = 'dfw-mn-bm1';
const webhookToken = 'loop-test-webhook-token';
const metricsToken = 'loop-test-metrics-token';
const savedEnv = { ...process.env };

let dir: string;
let fleet: SimFleet;
let db: Db;
let agent: RunningAgent;
let dashboard: ServedDashboard;
let capture: CaptureServer;
let alertmanager: RunningProgram | undefined;
let prometheus: RunningProgram | undefined;
let viewerCookie: string;
let originalFor: Map<string, string>;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const logs = `\n--- prometheus:\n${prometheus?.output() ?? ''}\n--- alertmanager:\n${alertmanager?.output() ?? ''}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}${logs}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function dashboardJson(pathAndQuery: string): Promise<unknown> {
  const res = await fetch(`${dashboard.origin}${pathAndQuery}`, { headers: { cookie: `${sessionCookieName}=${viewerCookie}` } });
  if (!res.ok) throw new Error(`${pathAndQuery}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function peerAlerts(): Promise<AlertRow[]> {
  const { alerts } = alertListSchema.parse(await dashboardJson('/api/alerts'));
  return alerts.filter((a) => a.alertname === 'FnhPeerFailing' && a.node === seed);
}

/** The node × peer cell a triage link opens: the peer grid at the alert's pinned moment, reduced to that cell. */
async function cellAt(node: string, peer: string, at: string): Promise<string | null> {
  const m = buildPeerMatrix(peerGridResponseSchema.parse(await dashboardJson(`/api/peers?at=${encodeURIComponent(at)}`)));
  const r = m.rows.findIndex((x) => x.name === node);
  const c = m.cols.findIndex((x) => x.ip === peer);
  return r >= 0 && c >= 0 ? cellVerdict(m, r, c) : null;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'fnh-alert-loop-'));
  fleet = await startSimFleet({ count: 3, dir: path.join(dir, 'sim'), scenarioOverrides: { [nodeName(1)]: 'healthy', [nodeName(2)]: 'healthy' } });
  process.env.FNH_DATA_DIR = path.join(dir, 'pglite');
  delete process.env.DATABASE_URL;
  delete process.env.FNH_ALERTMANAGER_OPEN;
  process.env.FNH_ALERTMANAGER_TOKEN = webhookToken;
  process.env.FNH_METRICS_TOKEN = metricsToken;
  process.env.FNH_FLEET_SOURCE = 'simulated';
  const { getDb } = await import('../../lib/db');
  db = await getDb();
  agent = await startAgent({
    db,
    inventory: loadInventoryFile(fleet.inventoryPath),
    registerShutdown: false,
    lease: false,
    poller: { intervalMs: 1_000, pollTimeoutMs: 10_000 },
  });
  dashboard = await serveDashboard();
  process.env.FNH_PUBLIC_ORIGIN = dashboard.origin;
  const { createLocalUser } = await import('../../lib/auth/store/users');
  const { openSession } = await import('../../lib/auth/store/sign-in');
  const now = new Date();
  const viewer = await createLocalUser(db, {
    username: 'loop-viewer',
    password: 'a-long-password-for-the-loop-viewer',
    role: 'viewer',
    via: 'cli',
    actor: { username: 'test', role: 'admin' },
    now,
  });
  viewerCookie = (await db.transaction((tx) => openSession(tx, viewer, 'password', now))).token;

  // The dashboard sees the seed incident before anything watches it.
  await until(
    'the seed node stale-session on /metrics',
    async () => {
      const res = await fetch(`${dashboard.origin}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      const text = await res.text();
      return text.includes(`fnh_node_verdict{node="${seed}",verdict="stale-session"} 1`) && !text.includes('verdict="unknown"} 1') ? true : undefined;
    },
    60_000,
  );

  capture = await startCaptureServer();
  const secrets = path.join(dir, 'secrets');
  mkdirSync(secrets);
  const secret = (name: string, value: string) => {
    writeFileSync(path.join(secrets, name), `${value}\n`, { mode: 0o600 });
    return path.join(secrets, name);
  };
  const templatesDir = path.join(dir, 'am-templates');
  mkdirSync(templatesDir);
  writeFileSync(path.join(templatesDir, 'fnh.tmpl'), templateForTest(readDeployFile('alertmanager/templates/fnh.tmpl'), dashboard.origin));
  alertmanager = await startAlertmanager({
    dir: path.join(dir, 'alertmanager'),
    config: alertmanagerConfigForTest(readDeployFile('alertmanager/alertmanager.yml'), {
      webhookUrl: `${dashboard.origin}/api/alerts/alertmanager`,
      webhookTokenFile: secret('fnh-webhook-token', webhookToken),
      slackUrlFile: secret('slack-webhook-url', `${capture.origin}/slack`),
      pagerdutyUrl: `${capture.origin}/pagerduty`,
      pagerdutyKeyFile: secret('pagerduty-routing-key', 'test-routing-key'),
      templatesDir,
      groupWait: '1s',
      groupInterval: '2s',
    }),
  });
  const rules = rulesForTest(readDeployFile('prometheus/rules.yml'), '2s');
  originalFor = rules.originalFor;
  const rulesFile = path.join(dir, 'rules.yml');
  writeFileSync(rulesFile, rules.text);
  prometheus = await startPrometheus({
    dir: path.join(dir, 'prometheus'),
    resendDelay: '1s',
    config: prometheusConfigForTest(readDeployFile('prometheus/prometheus.yml'), {
      rulesFile,
      alertmanager: new URL(alertmanager.url).host,
      target: new URL(dashboard.origin).host,
      tokenFile: secret('fnh-metrics-token', metricsToken),
      scrapeInterval: '2s',
      evaluationInterval: '1s',
    }),
  });
}, 150_000);

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await capture?.close();
  await dashboard?.close();
  await agent?.stop();
  await db?.close();
  (globalThis as { __fnhDb?: unknown }).__fnhDb = undefined;
  await fleet?.stop();
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('Prometheus → Alertmanager → dashboard → triage, with the real programs', () => {
  let firing: AlertRow;

  it('Prometheus scrapes /metrics with the bearer token and reads the seed node’s verdict series', async () => {
    expect(originalFor.get('FnhPeerFailing')).toBe('5m');
    const query = async (q: string) => {
      const res = await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(q)}`);
      return ((await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    };
    const up = await until(
      'a successful scrape',
      async () => ((await query('up{job="fleet-network-health"}'))[0]?.value[1] === '1' ? true : undefined),
      30_000,
    );
    expect(up).toBe(true);
    const cells = await until(
      'per-peer series in Prometheus',
      async () => {
        const r = await query(`fnh_peer_verdict{node="${seed}",verdict="stale-session"}`);
        return r.length > 0 ? r : undefined;
      },
      20_000,
    );
    expect(cells[0]?.metric).toMatchObject({ job: 'fleet-network-health', node: seed, verdict: 'stale-session' });
  }, 60_000);

  it('the shipped rule fires, Alertmanager posts to the webhook, /alerts lists it and its triage link opens the node × peer cell', async () => {
    firing = await until('FnhPeerFailing for the seed node on /alerts', async () => (await peerAlerts()).find((a) => a.status === 'firing'), 45_000);
    expect(firing).toMatchObject({ node: seed, receiver: 'fleet-network-health', labels: { severity: 'warning', verdict: 'stale-session' } });
    expect(firing.peer).toBe(firing.labels.peer);
    expect(firing.triagePath).toBe(`/triage/${firing.fingerprint}/${Date.parse(firing.startsAt)}`);
    const triage = alertTriageSchema.parse(await dashboardJson(`/api${firing.triagePath.replace(/^\/triage/, '/alerts')}`));
    expect(triage.linkNamesEpisode).toBe(true);
    expect(triage.alert).toMatchObject({ fingerprint: firing.fingerprint, startsAt: firing.startsAt, node: seed, peer: firing.peer });
    expect(await cellAt(seed, firing.peer!, triage.alert.pinnedAt)).toBe('stale-session');
  }, 60_000);

  it('the Slack and PagerDuty texts of the shipped template carry the same triage links', async () => {
    const link = `${dashboard.origin}${firing.triagePath}`;
    const slack = await until(
      'a Slack message with the triage link',
      async () => capture.received.find((c) => c.path === '/slack' && JSON.stringify(c.body).includes(link)),
      20_000,
    );
    // notify/slack/slack.go: the text goes in the message's attachment.
    const attachment = (slack.body as { attachments: { title: string; text: string }[] }).attachments[0];
    expect(attachment?.title).toMatch(new RegExp(`^\\[FIRING:\\d+\\] FnhPeerFailing on ${seed}$`));
    expect(attachment?.text).toContain(`<${link}|triage>`);
    const page = await until(
      'a PagerDuty event for the seed node',
      async () => capture.received.find((c) => c.path === '/pagerduty' && JSON.stringify(c.body).includes('FnhNodeFailing')),
      20_000,
    );
    const event = page.body as { routing_key: string; event_action: string; links: { href: string }[] };
    expect(event).toMatchObject({ routing_key: 'test-routing-key', event_action: 'trigger' });
    const href = event.links[0]?.href ?? '';
    expect(href.startsWith(`${dashboard.origin}/triage/`)).toBe(true);
    const paged = alertTriageSchema.parse(await dashboardJson(`/api${new URL(href).pathname.replace(/^\/triage/, '/alerts')}`));
    expect(paged.alert).toMatchObject({ alertname: 'FnhNodeFailing', node: seed, labels: { severity: 'critical' } });
  }, 45_000);

  it('the node is fixed (doublezerod restarted over SSH): the alert resolves and its link still opens the same pinned cell', async () => {
    // The command of the restart-doublezerod remediation, as the operator's click runs it.
    await agent.pool.runCommand(seed, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], { timeoutMs: 20_000, maxBytes: 1_000_000 });
    const resolved = await until(
      'the episode resolved on /alerts',
      async () => (await peerAlerts()).find((a) => a.fingerprint === firing.fingerprint && a.startsAt === firing.startsAt && a.status === 'resolved'),
      60_000,
    );
    expect(resolved.endsAt).not.toBeNull();
    const triage = alertTriageSchema.parse(await dashboardJson(`/api${firing.triagePath.replace(/^\/triage/, '/alerts')}`));
    expect(triage.alert).toMatchObject({ status: 'resolved', startsAt: firing.startsAt, node: seed, peer: firing.peer });
    expect(await cellAt(seed, firing.peer!, triage.alert.pinnedAt)).toBe('stale-session');
    expect(await cellAt(seed, firing.peer!, new Date().toISOString())).not.toBe('stale-session');
  }, 90_000);
});
