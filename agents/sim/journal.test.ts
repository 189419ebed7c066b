import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJournalDetailed } from '../../lib/parse/journal';
import { runCommand } from './commands';
import { SEED_VANISHED_IP } from './scenarios';
import { HISTORY_MS, WARN_INTERVAL_MS, type SimNodeState } from './state';
import { testNode, TEST_NOW } from './testing';

const journaldLine = z.strictObject({
  __CURSOR: z.string().regex(/^s=[0-9a-f]{32};i=[0-9a-f]+;b=[0-9a-f]{32};m=[0-9a-f]+;t=[0-9a-f]+;x=[0-9a-f]+$/),
  __REALTIME_TIMESTAMP: z.string().regex(/^\d{16}$/),
  __MONOTONIC_TIMESTAMP: z.string().regex(/^\d+$/),
  _BOOT_ID: z.string().regex(/^[0-9a-f]{32}$/),
  PRIORITY: z.literal('6'),
  SYSLOG_FACILITY: z.literal('3'),
  SYSLOG_IDENTIFIER: z.literal('doublezerod'),
  _PID: z.string().regex(/^\d+$/),
  _UID: z.string(),
  _GID: z.string(),
  _COMM: z.literal('doublezerod'),
  _EXE: z.string(),
  _CMDLINE: z.string(),
  _CAP_EFFECTIVE: z.string(),
  _SYSTEMD_CGROUP: z.string(),
  _SYSTEMD_UNIT: z.literal('doublezerod.service'),
  _SYSTEMD_SLICE: z.string(),
  _SYSTEMD_INVOCATION_ID: z.string(),
  _TRANSPORT: z.literal('stdout'),
  _STREAM_ID: z.string(),
  _MACHINE_ID: z.string().regex(/^[0-9a-f]{32}$/),
  _HOSTNAME: z.string(),
  MESSAGE: z.string(),
});

const warnRecord = z.strictObject({
  time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/),
  level: z.literal('WARN'),
  msg: z.literal('liveness.scheduler: error writing UDP packet'),
  error: z.string(),
  peer: z.string(),
});

const epoch = (ms: number) => Math.floor(ms / 1000);

function journalJson(state: SimNodeState, sinceMs: number, nowMs: number) {
  const r = runCommand(state, ['journalctl', '-u', 'doublezerod', '--no-pager', '-o', 'json', '--since', `@${epoch(sinceMs)}`], nowMs);
  expect(r.exitCode).toBe(0);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => journaldLine.parse(JSON.parse(l)));
}

function warnings(state: SimNodeState, sinceMs: number, nowMs: number) {
  return journalJson(state, sinceMs, nowMs)
    .map((o) => JSON.parse(o.MESSAGE) as { level: string })
    .filter((m) => m.level === 'WARN')
    .map((m) => warnRecord.parse(m));
}

describe('the seed node journal', () => {
  it('has the seed warning, exactly in its shape, for the vanished allocated IP to each seed peer', () => {
    const { state } = testNode('dfw-mn-bm1');
    const warns = warnings(state, TEST_NOW - 15 * 60_000, TEST_NOW);
    for (const peer of ['216.238.110.55', '185.189.45.80', '86.54.153.247']) {
      const w = warns.find((x) => x.peer.endsWith(`peerIP: ${peer}`));
      expect(w, peer).toBeDefined();
      expect(JSON.stringify(w)).toBe(
        JSON.stringify({
          time: w!.time,
          level: 'WARN',
          msg: 'liveness.scheduler: error writing UDP packet',
          error: `write udp 0.0.0.0:44880->${peer}:44880: sendmsg: network is unreachable`,
          peer: `interface: doublezero0, localIP: ${SEED_VANISHED_IP}, peerIP: ${peer}`,
        }),
      );
    }
    // Only the stale sessions fail: the current ones (public IP) are healthy.
    expect(new Set(warns.map((w) => w.peer.split(', ')[1]))).toEqual(new Set([`localIP: ${SEED_VANISHED_IP}`]));
  });

  it('rate-limits the warning to one per 5 s per peer', () => {
    const { state } = testNode('dfw-mn-bm1');
    const byPeer = new Map<string, number[]>();
    for (const w of warnings(state, TEST_NOW - 15 * 60_000, TEST_NOW)) {
      byPeer.set(w.peer, [...(byPeer.get(w.peer) ?? []), Date.parse(w.time)]);
    }
    expect(byPeer.size).toBe(5);
    for (const times of byPeer.values()) {
      expect(times.length).toBe(180);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(WARN_INTERVAL_MS);
    }
  });

  it('returns only records at or after --since, identical across overlapping reads', () => {
    const { state } = testNode('dfw-mn-bm1');
    const since = TEST_NOW - 60_000;
    const recent = journalJson(state, since, TEST_NOW);
    expect(recent.length).toBeGreaterThan(0);
    for (const o of recent) expect(Number(o.__REALTIME_TIMESTAMP)).toBeGreaterThanOrEqual(since * 1000);
    const wider = journalJson(state, TEST_NOW - 120_000, TEST_NOW).map((o) => JSON.stringify(o));
    for (const o of recent) expect(wider).toContain(JSON.stringify(o));
    expect(wider.length).toBeGreaterThan(recent.length);
  });

  it('keeps a bounded history (30 minutes)', () => {
    const { state } = testNode('dfw-mn-bm1');
    const all = journalJson(state, 0, TEST_NOW);
    expect(Number(all[0]!.__REALTIME_TIMESTAMP) / 1000).toBeGreaterThanOrEqual(TEST_NOW - HISTORY_MS);
  });

  it('reads back as the same events in json, cat and syslog forms', () => {
    const { state } = testNode('dfw-mn-bm1');
    const since = `@${epoch(TEST_NOW - 60_000)}`;
    const keys = (fmt: string) => {
      const r = runCommand(state, ['journalctl', '-u', 'doublezerod', '--no-pager', '-o', fmt, '--since', since], TEST_NOW);
      const parsed = parseJournalDetailed(r.stdout, 2025);
      expect(parsed.skipped, fmt).toBe(0);
      return parsed.events.map((e) => e.dedupeKey);
    };
    const json = keys('json');
    expect(json.length).toBeGreaterThan(0);
    expect(keys('cat')).toEqual(json);
    expect(keys('short')).toEqual(json);
  });

  it('prints syslog-style lines by default and "-- No entries --" when there are none', () => {
    const { state } = testNode('dfw-mn-bm1');
    const short = runCommand(state, ['journalctl', '-u', 'doublezerod', '--since', `@${epoch(TEST_NOW - 10_000)}`], TEST_NOW).stdout;
    for (const line of short.trimEnd().split('\n')) expect(line).toMatch(/^Nov 30 19:39:\d\d dfw-mn-bm1 doublezerod\[\d+\]: \{"time":"2025-11-30T19:39:/);
    expect(runCommand(state, ['journalctl', '-u', 'sshd', '--no-pager'], TEST_NOW).stdout).toBe('-- No entries --\n');
    expect(runCommand(state, ['journalctl', '-u', 'sshd', '-o', 'json'], TEST_NOW).stdout).toBe('');
  });

  it('rejects a bad --since like journalctl', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runCommand(state, ['journalctl', '-u', 'doublezerod', '--since', '@x'], TEST_NOW)).toEqual({ stdout: '', stderr: 'Failed to parse timestamp: @x\n', exitCode: 1 });
  });
});

describe('remediation stops the warnings', () => {
  const later = TEST_NOW + 5 * 60_000;

  it('sudo -n systemctl restart doublezerod clears the seed node stale sessions', () => {
    const { state } = testNode('dfw-mn-bm1');
    const pidBefore = state.daemon.pid;
    expect(runCommand(state, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], TEST_NOW)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(warnings(state, TEST_NOW, later)).toEqual([]);
    // Warnings before the restart are still in the journal.
    expect(warnings(state, TEST_NOW - 60_000, later).length).toBeGreaterThan(0);
    const routes = runCommand(state, ['curl', '-s', '--unix-socket', '/run/doublezerod/doublezerod.sock', 'http://localhost/routes'], later);
    expect(routes.stdout).not.toContain(SEED_VANISHED_IP);
    const infos = journalJson(state, TEST_NOW, later).map((o) => ({ pid: o._PID, msg: (JSON.parse(o.MESSAGE) as { msg: string }).msg }));
    expect(infos.length).toBe(16);
    for (const i of infos) expect(i).toEqual({ pid: String(state.daemon.pid), msg: 'liveness: session up' });
    expect(state.daemon.pid).not.toBe(pidBefore);
  });

  it('sudo -n ip link set doublezero0 up fixes the link-down node', () => {
    const { state } = testNode('ams-mn-bm1');
    expect(warnings(state, TEST_NOW - 60_000, TEST_NOW).length).toBeGreaterThan(0);
    expect(runCommand(state, ['ip', 'link', 'set', 'doublezero0', 'up'], TEST_NOW)).toEqual({ stdout: '', stderr: 'RTNETLINK answers: Operation not permitted\n', exitCode: 2 });
    expect(runCommand(state, ['sudo', '-n', 'ip', 'link', 'set', 'doublezero0', 'up'], TEST_NOW).exitCode).toBe(0);
    expect(warnings(state, TEST_NOW, later)).toEqual([]);
  });

  it('deleting the drop rule fixes the nft-drop node (operation not permitted before)', () => {
    const { state } = testNode('fra-mn-bm1');
    const before = warnings(state, TEST_NOW - 60_000, TEST_NOW);
    expect(before.length).toBeGreaterThan(0);
    for (const w of before) expect(w.error).toMatch(/sendmsg: operation not permitted$/);
    const handle = state.nft!.rules[0]!.handle;
    expect(runCommand(state, ['sudo', '-n', 'nft', 'delete', 'rule', 'inet', 'filter', 'output', 'handle', String(handle)], TEST_NOW).exitCode).toBe(0);
    expect(warnings(state, TEST_NOW, later)).toEqual([]);
  });

  it('a restart reconnects the disconnected node (no such device before)', () => {
    const { state } = testNode('nyc-mn-bm1');
    const before = warnings(state, TEST_NOW - 60_000, TEST_NOW);
    expect(before.length).toBe(16 * 12);
    for (const w of before) expect(w.error).toMatch(/sendmsg: no such device$/);
    runCommand(state, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], TEST_NOW);
    expect(runCommand(state, ['ip', '-j', 'addr', 'show', 'dev', 'doublezero0'], later).exitCode).toBe(0);
    expect(warnings(state, TEST_NOW, later)).toEqual([]);
  });

  it('the missing-route node fails for exactly one peer with network is unreachable', () => {
    const { state } = testNode('lon-mn-bm1');
    const peers = new Set(warnings(state, TEST_NOW - 60_000, TEST_NOW).map((w) => w.peer));
    expect(peers.size).toBe(1);
  });

  it('healthy nodes log no warnings', () => {
    for (const name of ['tyo-mn-bm1', 'lax-mn-bm1', 'chi-mn-bm1', 'mia-mn-bm1', 'sea-mn-bm1', 'par-mn-bm1']) {
      expect(warnings(testNode(name).state, 0, TEST_NOW), name).toEqual([]);
    }
  });
});
