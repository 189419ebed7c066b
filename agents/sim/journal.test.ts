import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJournalDetailed } from '../../lib/parse/journal';
import { runCommand } from './commands';
import { UNKNOWN_PEER_MSG, WARN_MSG } from './history';
import { SEED_STALE_SESSIONS, SEED_VANISHED_IP, UNKNOWN_PEER } from './scenarios';
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
  // slog writes RFC3339Nano: trailing zeros of the fraction trimmed
  time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/),
  level: z.literal('WARN'),
  msg: z.literal(WARN_MSG),
  error: z.string(),
  // absent before client v0.7.1
  peer: z.string().optional(),
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

function records(state: SimNodeState, sinceMs: number, nowMs: number) {
  return journalJson(state, sinceMs, nowMs).map((o) => ({ pid: o._PID, ...(JSON.parse(o.MESSAGE) as { level: string; msg: string; time: string }) }));
}

/** The send warnings only (other WARN records, e.g. unknown-peer packets, are not send failures). */
function warnings(state: SimNodeState, sinceMs: number, nowMs: number) {
  return records(state, sinceMs, nowMs)
    .filter((m) => m.msg === WARN_MSG)
    .map(({ pid: _pid, ...m }) => warnRecord.parse(m));
}

describe('the seed node journal', () => {
  it('has the seed warning, exactly in its shape, for the vanished allocated IP to each seed peer', () => {
    const { state } = testNode('dfw-mn-bm1');
    const warns = warnings(state, TEST_NOW - 20 * 60_000, TEST_NOW);
    for (const peer of ['216.238.110.55', '185.189.45.80', '86.54.153.247']) {
      const w = warns.find((x) => x.peer!.endsWith(`peerIP: ${peer}`));
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
    expect(new Set(warns.map((w) => w.peer!.split(', ')[1]))).toEqual(new Set([`localIP: ${SEED_VANISHED_IP}`]));
  });

  it('throttles the warning once per 5 s for the whole daemon, so a given peer shows up only every ~N × 5 s', () => {
    const { state } = testNode('dfw-mn-bm1');
    const warns = warnings(state, TEST_NOW - 15 * 60_000, TEST_NOW);
    const times = warns.map((w) => Date.parse(w.time));
    // v0.8.0: each stale session sends about once a second, so the throttle is always armed: ~12 a minute.
    expect(warns.length).toBeGreaterThanOrEqual(165);
    expect(warns.length).toBeLessThanOrEqual(180);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(WARN_INTERVAL_MS - 1);
      expect(times[i]! - times[i - 1]!).toBeLessThan(WARN_INTERVAL_MS + 1_000);
    }
    const byPeer = new Map<string, number[]>();
    for (const w of warns) byPeer.set(w.peer!, [...(byPeer.get(w.peer!) ?? []), Date.parse(w.time)]);
    expect(byPeer.size).toBeGreaterThan(SEED_STALE_SESSIONS - 8);
    expect(byPeer.size).toBeLessThanOrEqual(SEED_STALE_SESSIONS);
    // A given peer is named a few times in 15 min, far apart: quiet is not recovered.
    for (const ts of byPeer.values()) expect(ts.length).toBeLessThan(12);
    const gaps = [...byPeer.values()].flatMap((ts) => ts.slice(1).map((t, i) => t - ts[i]!));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.5 * SEED_STALE_SESSIONS * WARN_INTERVAL_MS);
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

  it('polled every few seconds, it returns the same warnings as one read of the whole span (the throttle is checkpointed)', () => {
    const polled = testNode('dfw-mn-bm1').state;
    const seen = new Map<string, string>();
    let last = TEST_NOW;
    for (let now = TEST_NOW; now <= TEST_NOW + 5 * 60_000; now += 6_000) {
      // the agent reads from its last poll with an overlap, and dedupes
      for (const o of journalJson(polled, last - 30_000, now)) seen.set(o.__CURSOR, o.MESSAGE);
      last = now;
    }
    const once = testNode('dfw-mn-bm1').state;
    const whole = journalJson(once, TEST_NOW - 30_000, TEST_NOW + 5 * 60_000);
    expect([...seen.values()].filter((m) => m.includes(WARN_MSG))).toEqual(whole.map((o) => o.MESSAGE).filter((m) => m.includes(WARN_MSG)));
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
    expect(runCommand(state, ['journalctl', '-u', 'doublezerod', '--since', '@x'], TEST_NOW)).toEqual({
      stdout: '',
      stderr: 'Failed to parse timestamp: @x\n',
      exitCode: 1,
    });
  });
});

describe('remediation stops the warnings', () => {
  const later = TEST_NOW + 5 * 60_000;

  it('sudo -n systemctl restart doublezerod clears the seed node stale sessions: new PID, new start time, start records', () => {
    const { state } = testNode('dfw-mn-bm1');
    const pidBefore = state.daemon.pid;
    const show = () =>
      runCommand(state, ['env', 'TZ=UTC', 'systemctl', 'show', 'doublezerod', '--no-pager', '-p', 'MainPID,ActiveEnterTimestamp'], later).stdout;
    expect(show()).toBe(`MainPID=${pidBefore}\nActiveEnterTimestamp=Sun 2025-11-30 18:55:00 UTC\n`);
    expect(runCommand(state, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], TEST_NOW)).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(state.daemon.pid).not.toBe(pidBefore);
    expect(show()).toBe(`MainPID=${state.daemon.pid}\nActiveEnterTimestamp=Sun 2025-11-30 19:40:00 UTC\n`);
    expect(warnings(state, TEST_NOW, later)).toEqual([]);
    // Warnings before the restart are still in the journal, from the old PID.
    const before = journalJson(state, TEST_NOW - 60_000, later).filter((o) => o.MESSAGE.includes(WARN_MSG));
    expect(before.length).toBeGreaterThan(0);
    for (const o of before) expect(o._PID).toBe(String(pidBefore));
    const routes = runCommand(state, ['curl', '-s', '--unix-socket', '/run/doublezerod/doublezerod.sock', 'http://localhost/routes'], later);
    expect(routes.stdout).not.toContain(SEED_VANISHED_IP);
    // v0.8.0 logs `session up` at DEBUG: the new daemon's journal holds only its start records.
    expect(records(state, TEST_NOW, later).map((r) => [r.pid, r.msg])).toEqual([
      [String(state.daemon.pid), 'prometheus metrics server started'],
      [String(state.daemon.pid), 'liveness: manager starting'],
    ]);
  });

  it('a restart of a v0.8.3 node logs `session up (global passive; no-op)` for each session', () => {
    const { state } = testNode('par-mn-bm1');
    runCommand(state, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], TEST_NOW);
    const msgs = records(state, TEST_NOW, later).map((r) => r.msg);
    expect(msgs[0]).toBe('prometheus metrics server started');
    expect(msgs[1]).toBe('liveness: manager starting');
    expect(msgs.slice(2)).toEqual(Array(state.daemon.sessions.length).fill('liveness: session up (global passive; no-op)'));
  });

  it('sudo -n ip link set doublezero0 up fixes the link-down node', () => {
    const { state } = testNode('ams-mn-bm1');
    expect(warnings(state, TEST_NOW - 60_000, TEST_NOW).length).toBeGreaterThan(0);
    expect(runCommand(state, ['ip', 'link', 'set', 'doublezero0', 'up'], TEST_NOW)).toEqual({
      stdout: '',
      stderr: 'RTNETLINK answers: Operation not permitted\n',
      exitCode: 2,
    });
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

  it('a restart reconnects the disconnected v0.7.0 node (net.InterfaceByName error and no peer before)', () => {
    const { state } = testNode('nyc-mn-bm1');
    const before = warnings(state, TEST_NOW - 60_000, TEST_NOW);
    // 16 sessions, one warning slot per 5 s for the daemon
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect(before.length).toBeLessThanOrEqual(12);
    for (const w of before) expect(w).toEqual({ time: w.time, level: 'WARN', msg: WARN_MSG, error: 'route ip+net: no such network interface' });
    runCommand(state, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], TEST_NOW);
    expect(runCommand(state, ['ip', '-j', 'addr', 'show', 'dev', 'doublezero0'], later).exitCode).toBe(0);
    expect(warnings(state, TEST_NOW, later)).toEqual([]);
  });

  it('the missing-route node logs no send warning: a pinned send leaves without a route', () => {
    const { state } = testNode('lon-mn-bm1');
    expect(warnings(state, 0, TEST_NOW)).toEqual([]);
  });

  it('nodes without a failing session log no send warning (multicast tunnel down included: it has no liveness)', () => {
    for (const name of ['tyo-mn-bm1', 'lax-mn-bm1', 'chi-mn-bm1', 'mia-mn-bm1', 'sea-mn-bm1', 'par-mn-bm1']) {
      expect(warnings(testNode(name).state, 0, TEST_NOW), name).toEqual([]);
    }
  });

  it('the v0.7.1 node logs unknown-peer WARN lines (not send failures), one per ~5 s', () => {
    const { state } = testNode('lax-mn-bm1');
    const unknown = records(state, TEST_NOW - 60_000, TEST_NOW).filter((r) => r.msg === UNKNOWN_PEER_MSG);
    expect(unknown.length).toBeGreaterThanOrEqual(9);
    expect(unknown.length).toBeLessThanOrEqual(12);
    for (const r of unknown)
      expect(r).toMatchObject({ level: 'WARN', peer: `interface: doublezero0, localIP: ${state.daemon.provision!.dzIp}, peerIP: ${UNKNOWN_PEER}` });
  });
});
