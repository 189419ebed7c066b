import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedSchema, type Expected } from './expected';
import { buildFixture, fixtureSpecs } from './fixtures';
import { kernelFiles, type KernelFile, type KernelSections } from './kernel';

// The committed upstream-* bundles are exactly what the generator writes from their kernel sections, and what it
// writes says what DESIGN.md and upstream say (checked here on the files themselves, not through our diagnosis).
const BUNDLES = path.join(__dirname, '..', '..', '..', 'fixtures', 'bundles');

function folder(name: string): Record<string, string> {
  const dir = path.join(BUNDLES, name);
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

function kernelOf(files: Record<string, string>): KernelSections {
  return Object.fromEntries(Object.keys(kernelFiles).map((f) => [f, files[f] ?? ''])) as Record<KernelFile, string>;
}

interface JournalRecord {
  pid: string;
  unit: 'doublezerod' | 'systemd';
  json: Record<string, unknown> | null;
  text: string;
}

/** The journal in any of its three forms, one record per line. */
function journalRecords(text: string): JournalRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      if (line.startsWith('{"__CURSOR"')) {
        const entry = JSON.parse(line) as Record<string, string>;
        const message = entry.MESSAGE ?? '';
        return {
          pid: entry._PID ?? '',
          unit: entry.SYSLOG_IDENTIFIER === 'systemd' ? 'systemd' : 'doublezerod',
          json: message.startsWith('{') ? JSON.parse(message) : null,
          text: message,
        };
      }
      const short = /^\w{3} \d{2} [\d:]{8} \S+ (doublezerod|systemd)\[(\d+)\]: (.*)$/.exec(line);
      const message = short ? (short[3] ?? '') : line;
      return {
        pid: short?.[2] ?? '',
        unit: short?.[1] === 'systemd' || !message.startsWith('{') ? 'systemd' : 'doublezerod',
        json: message.startsWith('{') ? JSON.parse(message) : null,
        text: message,
      };
    });
}

const SEND_WARNING = 'liveness.scheduler: error writing UDP packet';
const peerIpOf = (r: JournalRecord) => /peerIP: ([\d.]+)/.exec(String(r.json?.peer ?? ''))?.[1] ?? /->([\d.]+):44880/.exec(String(r.json?.error ?? ''))?.[1];

function fixture(name: string) {
  const files = folder(name);
  const expected: Expected = expectedSchema.parse(JSON.parse(files['expected.json'] ?? ''));
  const records = journalRecords(files['journal.log'] ?? '');
  const warnings = records.filter((r) => r.json?.msg === SEND_WARNING);
  return { files, expected, records, warnings };
}

describe('upstream-* fixture bundles', () => {
  it.each(fixtureSpecs.map((s) => [s.name, s] as const))('%s is exactly what the generator writes from its kernel sections', (_name, spec) => {
    const committed = folder(spec.name);
    const generated = buildFixture(spec, kernelOf(committed));
    expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) expect(committed[file], `${spec.name}/${file}`).toBe(text);
  });

  it('throttle-200-stale: one warning per 5 s for the whole daemon over the hour; the sampled peers are stale-session, K their count', () => {
    const { expected, warnings } = fixture('upstream-throttle-200-stale');
    expect(warnings.length).toBeGreaterThanOrEqual(700);
    const times = warnings.map((w) => Date.parse(String(w.json?.time)));
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(5000);
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(59 * 60_000);
    expect(warnings.every((w) => String(w.json?.peer).includes('localIP: 198.18.2.1,'))).toBe(true);
    const sampled = new Set(warnings.map(peerIpOf));
    expect(Object.keys(expected.peers)).toHaveLength(200);
    for (const [peer, verdict] of Object.entries(expected.peers)) expect(verdict, peer).toBe(sampled.has(peer) ? 'stale-session' : 'healthy');
    expect(expected.findings).toEqual([
      { kind: 'stale-local-ip', interface: 'doublezero0', localIP: '198.18.2.1', sessionsFailing: sampled.size, exact: false },
    ]);
    expect(expected.worst).toBe('stale-session');
  });

  it('throttle-200-stale-routes: /routes lists only the current DZ IP; the metric gives the exact K = 200', () => {
    const { files, expected } = fixture('upstream-throttle-200-stale-routes');
    const routes = JSON.parse(files['daemon-routes.json'] ?? '') as { local_ip: string; liveness_state?: string }[];
    expect(new Set(routes.map((r) => r.local_ip))).toEqual(new Set(['198.18.1.1']));
    expect(routes.filter((r) => r.liveness_state === 'up')).toHaveLength(200);
    expect(files['metrics.txt']).toContain('doublezero_liveness_sessions{iface="doublezero0",local_ip="198.18.2.1",state="down"} 200\n');
    expect(expected.findings).toEqual([{ kind: 'stale-local-ip', interface: 'doublezero0', localIP: '198.18.2.1', sessionsFailing: 200, exact: true }]);
    // the same node at the same moment as the variant without /routes: the same peer verdicts
    expect(expected.peers).toEqual(fixture('upstream-throttle-200-stale').expected.peers);
  });

  it('v0.7.0: warnings carry only `error`; the peer is in its text', () => {
    const { expected, warnings } = fixture('upstream-v0.7.0-warnings');
    expect(warnings.length).toBeGreaterThan(100);
    for (const w of warnings) {
      expect(Object.keys(w.json ?? {})).toEqual(['time', 'level', 'msg', 'error']);
      expect(w.json?.error).toBe('write udp 0.0.0.0:44880->198.18.100.2:44880: sendmsg: operation not permitted');
    }
    expect(expected.peers).toEqual({ '198.18.100.1': 'healthy', '198.18.100.2': 'firewall-blocked', '198.18.100.3': 'healthy' });
  });

  it('unknown-peer WARN lines are the only WARNs of a healthy node, and no send failed', () => {
    const { expected, records, warnings } = fixture('upstream-unknown-peer-warn');
    const warns = records.filter((r) => r.json?.level === 'WARN');
    expect(warns.length).toBeGreaterThanOrEqual(5);
    expect(warns.every((r) => r.json?.msg === 'liveness: received control packet for unknown peer' && typeof r.json.peer === 'string')).toBe(true);
    expect(warnings).toEqual([]);
    expect(Object.values(expected.peers)).toEqual(['healthy', 'healthy', 'healthy']);
  });

  it('passive-quiet: the only records are 40 min old `session up (global passive; no-op)` lines', () => {
    const { expected, records } = fixture('upstream-passive-quiet');
    const ups = records.filter((r) => r.json?.msg === 'liveness: session up (global passive; no-op)');
    expect(ups).toHaveLength(3);
    for (const r of records.filter((x) => x.json)) expect(Date.parse('2026-03-16T12:00:00Z') - Date.parse(String(r.json?.time))).toBeGreaterThan(15 * 60_000);
    expect(expected.peers).toEqual({ '198.18.100.1': 'healthy', '198.18.100.2': 'healthy', '198.18.100.3': 'healthy' });
  });

  it('doublezero1 down is a node-level interface-down, with and without doublezero0; a multicast-only node is not interface-missing', () => {
    const both = fixture('upstream-doublezero1-down');
    const only = fixture('upstream-multicast-only-down');
    const links = (files: Record<string, string>) =>
      new Map((JSON.parse(files['ip-link.json'] ?? '') as { ifname: string; flags: string[] }[]).map((l) => [l.ifname, l.flags.includes('UP')]));
    expect(links(both.files).get('doublezero0')).toBe(true);
    expect(links(both.files).get('doublezero1')).toBe(false);
    expect(links(only.files).has('doublezero0')).toBe(false);
    expect(links(only.files).get('doublezero1')).toBe(false);
    for (const f of [both, only]) {
      expect(f.expected.findings).toEqual([{ kind: 'tunnel', interface: 'doublezero1', verdict: 'interface-down' }]);
      expect(f.expected.worst).toBe('interface-down');
    }
    expect(only.expected.peers).toEqual({});
    expect(JSON.parse(only.files['daemon-v2-status.json'] ?? '').services.map((s: { user_type: string }) => s.user_type)).toEqual(['Multicast']);
  });

  it('restarted: a new PID, its own manager starting, systemd’s lines; peers sampled before the restart are recovering', () => {
    const { files, expected, records, warnings } = fixture('upstream-restarted');
    const newPid = /^MainPID=(\d+)$/m.exec(files['systemctl-show.txt'] ?? '')?.[1];
    const starts = records.filter((r) => r.json?.msg === 'liveness: manager starting');
    expect(starts.map((r) => r.pid)).toEqual([newPid]);
    expect(new Set(warnings.map((w) => w.pid))).toEqual(new Set(['1027617']));
    expect(records.filter((r) => r.unit === 'systemd').map((r) => r.text)).toEqual([
      'Stopping doublezerod.service - DoubleZero client...',
      'doublezerod.service: Deactivated successfully.',
      'Stopped doublezerod.service - DoubleZero client.',
      'Started doublezerod.service - DoubleZero client.',
    ]);
    const lastWarning = Date.parse(String(warnings.at(-1)?.json?.time));
    expect(Date.parse(String(starts[0]?.json?.time))).toBeGreaterThan(lastWarning);
    const sampled = new Set(warnings.map(peerIpOf));
    for (const [peer, verdict] of Object.entries(expected.peers)) expect(verdict, peer).toBe(sampled.has(peer) ? 'recovering' : 'healthy');
    expect(expected.findings).toEqual([]);
    expect(expected.worst).toBe('recovering');
  });

  it('ip-reassigned: the stale IP back on doublezero0, the same daemon; peers sampled before are recovering', () => {
    const { files, expected, warnings } = fixture('upstream-ip-reassigned');
    const dz = (JSON.parse(files['ip-addr.json'] ?? '') as { ifname: string; addr_info: { local: string }[] }[]).find((l) => l.ifname === 'doublezero0');
    expect(dz?.addr_info.map((a) => a.local)).toContain('198.18.2.1');
    expect(files['systemctl-show.txt']).toMatch(/^MainPID=1027617$/m);
    const sampled = new Set(warnings.map(peerIpOf));
    expect(sampled.size).toBeGreaterThan(50);
    for (const [peer, verdict] of Object.entries(expected.peers)) expect(verdict, peer).toBe(sampled.has(peer) ? 'recovering' : 'healthy');
    expect(expected.findings).toEqual([]);
  });
});
