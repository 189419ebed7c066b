import { describe, expect, it } from 'vitest';
import { findAction } from '../../lib/actions/catalog';
import { renderAction } from '../../lib/actions/render';
import { parseJournal } from '../../lib/parse/journal';
import { answerExec } from './exec';
import { SEED_VANISHED_IP } from './scenarios';
import type { SimNodeState } from './state';
import { testNode, TEST_NOW } from './testing';

// The remediation catalog's own command lines, sent as the agent sends them, against the nodes
// they are meant for: each fixes its incident (no warning after it ran), or, where the real daemon
// would not be fixed by it, does not.

const LATER = TEST_NOW + 5 * 60_000;

function runAction(state: SimNodeState, id: string, params: Record<string, string> = {}): { exitCode: number; stderr: string }[] {
  const action = findAction(id);
  if (!action) throw new Error(`no action ${id}`);
  const rendered = renderAction(action, params);
  if (!rendered.ok) throw new Error(rendered.problems.join('; '));
  const results = [];
  for (const c of rendered.commands) {
    const r = answerExec(state, c.line, TEST_NOW);
    results.push({ exitCode: r.exitCode, stderr: r.stderr });
    if (r.exitCode !== 0) break;
  }
  return results;
}

function warningsBetween(state: SimNodeState, sinceMs: number, nowMs: number) {
  const r = answerExec(state, `journalctl -u doublezerod --no-pager -o json --since @${Math.floor(sinceMs / 1000)}`, nowMs);
  return parseJournal(r.stdout).filter((e) => e.level === 'WARN');
}

const ok = { exitCode: 0, stderr: '' };

describe('catalog actions on the simulated nodes', () => {
  it('restart-doublezerod clears the seed incident', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runAction(state, 'restart-doublezerod')).toEqual([ok]);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
  });

  it('reconnect-daemon does not clear the seed incident (the daemon keeps the old sessions)', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runAction(state, 'reconnect-daemon')).toEqual([ok, ok]);
    const after = warningsBetween(state, TEST_NOW, LATER);
    expect(after.length).toBeGreaterThan(0);
    for (const w of after) expect(w.localIP).toBe(SEED_VANISHED_IP);
  });

  it('reconnect-daemon brings back doublezero0 on the disconnected node', () => {
    const { state } = testNode('nyc-mn-bm1');
    expect(runAction(state, 'reconnect-daemon')).toEqual([ok, ok]);
    expect(answerExec(state, 'ip -j addr show dev doublezero0', LATER).exitCode).toBe(0);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
  });

  it('interface-up fixes the link-down node', () => {
    const { state } = testNode('ams-mn-bm1');
    expect(runAction(state, 'interface-up', { ifname: 'doublezero0' })).toEqual([ok]);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
  });

  it('add-route restores the missing route (and is refused with a gateway off the link)', () => {
    const { state, plan } = testNode('lon-mn-bm1');
    const [missing] = warningsBetween(state, TEST_NOW - 60_000, TEST_NOW);
    const peer = missing!.peerIP!;
    expect(runAction(state, 'add-route', { prefix: `${peer}/32`, via: '10.9.9.9', ifname: 'doublezero0', src: plan.dzIp })).toEqual([
      { exitCode: 2, stderr: 'Error: Nexthop has invalid gateway.\n' },
    ]);
    expect(runAction(state, 'add-route', { prefix: `${peer}/32`, via: plan.overlayPeer, ifname: 'doublezero0', src: plan.dzIp })).toEqual([ok]);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
    const route = (JSON.parse(answerExec(state, 'ip -j route show table all', LATER).stdout) as { dst: string; prefsrc?: string; dev?: string }[]).find((r) => r.dst === peer);
    expect(route).toMatchObject({ dev: 'doublezero0', prefsrc: plan.dzIp });
  });

  it('delete-route removes a route, and that peer becomes unreachable', () => {
    const { state } = testNode('par-mn-bm1');
    const peer = '216.238.110.55';
    expect(runAction(state, 'delete-route', { prefix: `${peer}/32`, ifname: 'doublezero0' })).toEqual([ok]);
    const after = warningsBetween(state, TEST_NOW, LATER);
    expect(new Set(after.map((w) => w.peerIP))).toEqual(new Set([peer]));
    expect(runAction(state, 'delete-route', { prefix: `${peer}/32`, ifname: 'doublezero0' })).toEqual([{ exitCode: 2, stderr: 'RTNETLINK answers: No such process\n' }]);
  });

  it('capture-bundle commands all succeed on a node with nftables', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runAction(state, 'capture-bundle')).toEqual([ok, ok, ok, ok, ok, ok]);
  });

  it('privileged commands fail without sudo, like on a node', () => {
    const { state } = testNode('lon-mn-bm1');
    expect(answerExec(state, 'ip route del 216.238.110.55/32 dev doublezero0', TEST_NOW)).toEqual({ stdout: '', stderr: 'RTNETLINK answers: Operation not permitted\n', exitCode: 2 });
    expect(answerExec(state, 'doublezero disconnect', TEST_NOW).exitCode).toBe(1);
    expect(JSON.parse(answerExec(state, 'doublezero status --json', TEST_NOW).stdout)).toEqual([expect.objectContaining({ tunnel_name: 'doublezero0', user_type: 'IBRL' })]);
  });
});
