import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { triagePath } from '../../lib/alerts/alerts';
import { verdicts } from '../../lib/diagnosis/types';
import { deployDir } from './testing/prometheus-stack';

// The shipped Prometheus and Alertmanager files, checked by the programs' own tools (Debian `prometheus`
// and `prometheus-alertmanager`, installed by .ci/run): promtool checks the rules and runs their unit
// tests (rules.test.yml), amtool checks the Alertmanager config, its routing and the notification texts.

const dir = mkdtempSync(path.join(tmpdir(), 'fnh-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(bin: string, args: string[], cwd = deployDir): { status: number | null; out: string } {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('deploy/prometheus', () => {
  it('promtool check rules accepts rules.yml', () => {
    const r = run('promtool', ['check', 'rules', 'prometheus/rules.yml']);
    expect(r.out).toContain('SUCCESS: 6 rules found');
    expect(r.status, r.out).toBe(0);
  });

  it('promtool test rules: per-node and per-peer alerts after their for:, one per node or cell across instances, none for recovering', () => {
    const r = run('promtool', ['test', 'rules', 'prometheus/rules.test.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS');
  });

  it('every failing verdict of the diagnosis is alerted per node and per peer; healthy, recovering and unknown are not', () => {
    const doc = parse(readFileSync(path.join(deployDir, 'prometheus/rules.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string; for: string; labels: { severity: string } }[] }[];
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    for (const r of rules) {
      expect(r.for, r.alert).toMatch(/^\d+m$/);
      expect(['critical', 'warning', 'info'], r.alert).toContain(r.labels.severity);
    }
    for (const name of ['FnhNodeFailing', 'FnhPeerFailing']) {
      const expr = rules.find((r) => r.alert === name)?.expr ?? '';
      const excluded = new RegExp(`^(?:${/verdict!~"([^"]+)"/.exec(expr)?.[1] ?? '.*'})$`);
      expect(verdicts.filter((v) => !excluded.test(v)).sort(), name).toEqual(verdicts.filter((v) => !['healthy', 'recovering', 'unknown'].includes(v)).sort());
    }
  });

  it('promtool check config accepts prometheus.yml (with its token file in place)', () => {
    const work = path.join(dir, 'prometheus');
    mkdirSync(work, { recursive: true });
    copyFileSync(path.join(deployDir, 'prometheus/rules.yml'), path.join(work, 'rules.yml'));
    const token = path.join(work, 'fnh-metrics-token');
    writeFileSync(token, 'token\n');
    const shipped = readFileSync(path.join(deployDir, 'prometheus/prometheus.yml'), 'utf8');
    expect(shipped).toContain('credentials_file: /etc/prometheus/secrets/fnh-metrics-token');
    writeFileSync(path.join(work, 'prometheus.yml'), shipped.replace('/etc/prometheus/secrets/fnh-metrics-token', token));
    const r = run('promtool', ['check', 'config', 'prometheus.yml'], work);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS: 1 rule files found');
  });
});

describe('deploy/alertmanager', () => {
  it('amtool check-config accepts alertmanager.yml and its template', () => {
    const r = run('amtool', ['check-config', 'alertmanager/alertmanager.yml']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('3 receivers');
    expect(r.out).toContain('1 templates');
  });

  it('routes every alert to the dashboard webhook, critical ones also to PagerDuty, warning and info to Slack', () => {
    const routes = (labels: string[]) =>
      run('amtool', ['config', 'routes', 'test', '--config.file=alertmanager/alertmanager.yml', ...labels])
        .out.trim()
        .split('\n')
        .at(0);
    expect(routes(['alertname=FnhNodeFailing', 'severity=critical', 'node=dfw-mn-bm1'])).toBe('fleet-network-health,pagerduty');
    expect(routes(['alertname=FnhPeerFailing', 'severity=warning', 'node=dfw-mn-bm1'])).toBe('fleet-network-health,slack');
    expect(routes(['alertname=FnhPeerSeriesCapped', 'severity=info'])).toBe('fleet-network-health,slack');
    expect(routes(['alertname=SomethingElse'])).toBe('fleet-network-health');
  });

  it('the Slack and PagerDuty texts carry one triage link per alert, the same link the dashboard gives for that episode', () => {
    const alert = (fingerprint: string, startsAt: string, status: string, labels: Record<string, string>, summary?: string) => ({
      status,
      labels: { alertname: 'FnhPeerFailing', node: 'dfw-mn-bm1', ...labels },
      annotations: summary ? { summary } : {},
      startsAt,
      endsAt: status === 'resolved' ? '2026-11-30T19:45:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example/graph',
      fingerprint,
    });
    const firing = alert(
      'a1b2c3d4e5f60718',
      '2026-11-30T19:36:22.662807168Z',
      'firing',
      { peer: '216.238.110.55' },
      'dfw-mn-bm1 → 216.238.110.55: stale-session',
    );
    const resolved = alert('0f0e0d0c0b0a0908', '2026-11-30T19:30:00Z', 'resolved', { peer: '198.51.100.7' });
    const data = path.join(dir, 'data.json');
    writeFileSync(
      data,
      JSON.stringify({
        receiver: 'slack',
        status: 'firing',
        alerts: [firing, resolved],
        groupLabels: { alertname: 'FnhPeerFailing', node: 'dfw-mn-bm1' },
        commonLabels: { alertname: 'FnhPeerFailing', node: 'dfw-mn-bm1' },
        commonAnnotations: {},
        externalURL: 'http://alertmanager.example:9093',
      }),
    );
    const render = (name: string) => {
      const r = run('amtool', [
        'template',
        'render',
        '--no-version-check',
        '--template.glob=alertmanager/templates/fnh.tmpl',
        `--template.text={{ template "${name}" . }}`,
        `--template.data=${data}`,
      ]);
      expect(r.status, r.out).toBe(0);
      return r.out;
    };
    // Go's UnixMilli and JavaScript's Date both truncate to the millisecond: the template's link is the dashboard's.
    const firingLink = `https://fleet-health.example${triagePath(firing.fingerprint, new Date(firing.startsAt))}`;
    const resolvedLink = `https://fleet-health.example${triagePath(resolved.fingerprint, new Date(resolved.startsAt))}`;
    expect(render('fnh.slack.title')).toBe('[FIRING:1] FnhPeerFailing on dfw-mn-bm1');
    expect(render('fnh.slack.text')).toBe(
      `• dfw-mn-bm1 → 216.238.110.55: stale-session <${firingLink}|triage>\n• resolved: FnhPeerFailing dfw-mn-bm1 <${resolvedLink}|triage>\n`,
    );
    expect(render('fnh.triage.links')).toBe(
      `dfw-mn-bm1 → 216.238.110.55: stale-session: ${firingLink}\nresolved: FnhPeerFailing dfw-mn-bm1: ${resolvedLink}\n`,
    );
    expect(render('fnh.triage.first')).toBe(firingLink);
    expect(render('fnh.pagerduty.description')).toBe('FnhPeerFailing on dfw-mn-bm1: 1 firing');
  });
});
