import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../../agents/ssh/testing/free-port';

// The real Prometheus and Alertmanager (Debian packages) started from the shipped files in deploy/, with
// only what a test must change: loopback addresses, temp paths, short intervals. Every URL they could
// send to is checked to be 127.0.0.1 before they start; Alertmanager runs without clustering (no gossip
// port). Each program is killed by stop(), SIGKILL after a bounded wait.

export const deployDir = path.resolve(import.meta.dirname, '../../../deploy');

export interface RunningProgram {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

type Yaml = Record<string, unknown>;
const asRecord = (v: unknown, what: string): Yaml => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what}: expected a mapping`);
  return v as Yaml;
};
const asList = (v: unknown, what: string): unknown[] => {
  if (!Array.isArray(v)) throw new Error(`${what}: expected a list`);
  return v;
};

/** Refuses to start anything that could send outside this machine: every URL must be on 127.0.0.1. */
export function assertLoopbackOnly(text: string, what: string): void {
  for (const m of text.matchAll(/\bhttps?:\/\/([^/\s'"]+)/g)) {
    if (!/^127\.0\.0\.1(:\d+)?$/.test(m[1] ?? '')) throw new Error(`${what} would send to ${m[0]}: only 127.0.0.1 is allowed in tests`);
  }
}

/** The shipped rules with every `for:` shortened (what each rule matches, its labels and annotations unchanged). */
export function rulesForTest(shipped: string, holdFor: string): { text: string; originalFor: Map<string, string> } {
  const doc = asRecord(parse(shipped), 'rules.yml');
  const originalFor = new Map<string, string>();
  for (const group of asList(doc.groups, 'groups')) {
    for (const rule of asList(asRecord(group, 'group').rules, 'rules')) {
      const r = asRecord(rule, 'rule');
      if (typeof r.alert === 'string' && typeof r.for === 'string') {
        originalFor.set(r.alert, r.for);
        r.for = holdFor;
      }
    }
  }
  return { text: stringify(doc), originalFor };
}

export function prometheusConfigForTest(
  shipped: string,
  o: { rulesFile: string; alertmanager: string; target: string; tokenFile: string; scrapeInterval: string; evaluationInterval: string },
): string {
  const doc = asRecord(parse(shipped), 'prometheus.yml');
  doc.global = {
    ...asRecord(doc.global, 'global'),
    scrape_interval: o.scrapeInterval,
    scrape_timeout: o.scrapeInterval,
    evaluation_interval: o.evaluationInterval,
  };
  doc.rule_files = [o.rulesFile];
  const managers = asList(asRecord(doc.alerting, 'alerting').alertmanagers, 'alertmanagers');
  if (managers.length !== 1) throw new Error('prometheus.yml: expected one alertmanagers entry');
  asRecord(managers[0], 'alertmanagers[0]').static_configs = [{ targets: [o.alertmanager] }];
  const scrapes = asList(doc.scrape_configs, 'scrape_configs');
  if (scrapes.length !== 1) throw new Error('prometheus.yml: expected one scrape config');
  const job = asRecord(scrapes[0], 'scrape_configs[0]');
  job.scheme = 'http';
  job.static_configs = [{ targets: [o.target] }];
  asRecord(job.authorization, 'authorization').credentials_file = o.tokenFile;
  const text = stringify(doc);
  assertLoopbackOnly(text, 'prometheus.yml');
  return text;
}

export interface AlertmanagerTestTargets {
  webhookUrl: string;
  webhookTokenFile: string;
  slackUrlFile: string;
  pagerdutyUrl: string;
  pagerdutyKeyFile: string;
  templatesDir: string;
  groupWait: string;
  groupInterval: string;
}

export function alertmanagerConfigForTest(shipped: string, o: AlertmanagerTestTargets): string {
  const doc = asRecord(parse(shipped), 'alertmanager.yml');
  doc.templates = [path.join(o.templatesDir, '*.tmpl')];
  const retime = (route: Yaml) => {
    for (const [key, value] of [
      ['group_wait', o.groupWait],
      ['group_interval', o.groupInterval],
      ['repeat_interval', '1h'],
    ] as const) {
      if (key in route || route === doc.route) route[key] = value;
    }
    for (const child of (route.routes as unknown[] | undefined) ?? []) retime(asRecord(child, 'route'));
  };
  retime(asRecord(doc.route, 'route'));
  for (const receiver of asList(doc.receivers, 'receivers')) {
    const r = asRecord(receiver, 'receiver');
    for (const key of Object.keys(r)) {
      if (key === 'name') continue;
      const configs = asList(r[key], key).map((c) => asRecord(c, key));
      if (key === 'webhook_configs') {
        for (const c of configs) {
          c.url = o.webhookUrl;
          asRecord(asRecord(c.http_config, 'http_config').authorization, 'authorization').credentials_file = o.webhookTokenFile;
        }
      } else if (key === 'slack_configs') {
        for (const c of configs) c.api_url_file = o.slackUrlFile;
      } else if (key === 'pagerduty_configs') {
        for (const c of configs) {
          c.routing_key_file = o.pagerdutyKeyFile;
          c.url = o.pagerdutyUrl;
        }
      } else {
        throw new Error(`alertmanager.yml: receiver kind ${key} has no loopback stand-in in this test`);
      }
    }
  }
  const text = stringify(doc);
  assertLoopbackOnly(text, 'alertmanager.yml');
  return text;
}

/** The shipped template with its one setting, the dashboard origin, pointing at the test's dashboard. */
export function templateForTest(shipped: string, dashboardOrigin: string): string {
  const setting = /\{\{ define "fnh\.dashboard" \}\}[^{]*\{\{ end \}\}/g;
  if ((shipped.match(setting) ?? []).length !== 1) throw new Error('fnh.tmpl: expected one "fnh.dashboard" definition');
  return shipped.replace(setting, `{{ define "fnh.dashboard" }}${dashboardOrigin}{{ end }}`);
}

async function startProgram(name: string, bin: string, args: string[], readyUrl: string, timeoutMs: number): Promise<RunningProgram> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const stop = async () => {
    if (!running) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5_000))]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!running) throw new Error(`${name} exited at start:\n${out}`);
    try {
      if ((await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} not ready after ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: readyUrl.replace(/\/-\/ready$/, ''), output: () => out, stop };
}

export async function startPrometheus(o: { dir: string; config: string; resendDelay: string }): Promise<RunningProgram> {
  mkdirSync(path.join(o.dir, 'data'), { recursive: true });
  const configFile = path.join(o.dir, 'prometheus.yml');
  writeFileSync(configFile, o.config);
  const port = await freePort();
  return startProgram(
    'prometheus',
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(o.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--rules.alert.resend-delay=${o.resendDelay}`,
      '--log.level=warn',
    ],
    `http://127.0.0.1:${port}/-/ready`,
    30_000,
  );
}

export async function startAlertmanager(o: { dir: string; config: string }): Promise<RunningProgram> {
  mkdirSync(path.join(o.dir, 'data'), { recursive: true });
  const configFile = path.join(o.dir, 'alertmanager.yml');
  writeFileSync(configFile, o.config);
  const port = await freePort();
  return startProgram(
    'alertmanager',
    'prometheus-alertmanager',
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(o.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=http://127.0.0.1:${port}`,
      // No HA cluster: nothing listens on or gossips to other addresses.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    `http://127.0.0.1:${port}/-/ready`,
    30_000,
  );
}

export function readDeployFile(rel: string): string {
  return readFileSync(path.join(deployDir, rel), 'utf8');
}
