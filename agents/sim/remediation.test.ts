import { describe, expect, it } from 'vitest';
import { findAction } from '../../lib/remediation/catalog';
import { connectionStatusArgv, readUnicastMode } from '../../lib/remediation/connection-mode';
import { dependsOnUnicastMode, renderAction } from '../../lib/remediation/render';
import { shellJoin } from '../../lib/probe/shell-quote';
import { parseJournal } from '../../lib/parse/journal';
import { answerExec } from './exec';
import { WARN_MSG } from './history';
import { SEED_VANISHED_IP } from './scenarios';
import type { SimNodeState } from './state';
import { testNode, TEST_NOW } from './testing';

// The remediation catalog's own command lines, sent as the agent sends them, against the nodes
// they are meant for: each fixes its incident (no warning after it ran), or, where the real daemon
// would not be fixed by it, does not.

const LATER = TEST_NOW + 5 * 60_000;

/** The action's command lines for this node, its connection mode read from the node first like the product does. */
function commandsFor(state: SimNodeState, id: string, params: Record<string, string> = {}) {
  const action = findAction(id);
  if (!action) throw new Error(`no action ${id}`);
  let node: Parameters<typeof renderAction>[2];
  if (dependsOnUnicastMode(action.commands)) {
    const reading = readUnicastMode(answerExec(state, shellJoin(connectionStatusArgv), TEST_NOW));
    if (!reading.ok) throw new Error(reading.reason);
    node = { unicastMode: reading.mode };
  }
  const rendered = renderAction(action, params, node);
  if (!rendered.ok) throw new Error(rendered.problems.join('; '));
  return rendered.commands;
}

function runAction(state: SimNodeState, id: string, params: Record<string, string> = {}): { exitCode: number; stderr: string }[] {
  const results = [];
  for (const c of commandsFor(state, id, params)) {
    const r = answerExec(state, c.line, TEST_NOW);
    results.push({ exitCode: r.exitCode, stderr: r.stderr });
    if (r.exitCode !== 0) break;
  }
  return results;
}

function warningsBetween(state: SimNodeState, sinceMs: number, nowMs: number) {
  const r = answerExec(state, `journalctl -u doublezerod --no-pager -o json --since @${Math.floor(sinceMs / 1000)}`, nowMs);
  // send warnings only: an unknown-peer WARN (v0.8.0 and older) is no send failure
  return parseJournal(r.stdout).filter((e) => e.msg === WARN_MSG);
}

const ok = { exitCode: 0, stderr: '' };

/** Runs every command of the action (the mode re-read included) and expects each to succeed. */
function expectAllOk(state: SimNodeState, id: string): void {
  const n = commandsFor(state, id).length;
  expect(runAction(state, id)).toEqual(Array(n).fill(ok));
}

describe('catalog actions on the simulated nodes', () => {
  it('restart-doublezerod clears the seed incident', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runAction(state, 'restart-doublezerod')).toEqual([ok]);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
  });

  it('reconnect-daemon does not clear the seed incident (v0.8.0 keeps the old sessions)', () => {
    const { state } = testNode('dfw-mn-bm1');
    expectAllOk(state, 'reconnect-daemon');
    const after = warningsBetween(state, TEST_NOW, LATER);
    expect(after.length).toBeGreaterThan(0);
    for (const w of after) expect(w.localIP).toBe(SEED_VANISHED_IP);
  });

  it('reconnect-daemon keeps -a on an -a node, so a buggy v0.7.1 client strands no session', () => {
    const { state } = testNode('lax-mn-bm1');
    expect(state.daemon.provision?.allocated).toBe(true);
    expect(
      commandsFor(state, 'reconnect-daemon')
        .map((c) => c.line)
        .at(-1),
    ).toMatch(/doublezero connect ibrl -a$/);
    expectAllOk(state, 'reconnect-daemon');
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
  });

  it('a reconnect without -a on that node replays the seed incident, as upstream would (issue 2320)', () => {
    const { state } = testNode('lax-mn-bm1');
    const allocated = state.daemon.provision!.dzIp;
    expect(answerExec(state, 'sudo -n doublezero disconnect ibrl', TEST_NOW).exitCode).toBe(0);
    expect(answerExec(state, 'sudo -n doublezero connect ibrl', TEST_NOW).exitCode).toBe(0);
    const after = warningsBetween(state, TEST_NOW, LATER);
    expect(after.length).toBeGreaterThan(0);
    for (const w of after) expect(w).toMatchObject({ localIP: allocated, error: expect.stringMatching(/sendmsg: network is unreachable$/) });
  });

  it('a reconnect on a v0.8.1+ client withdraws the old sessions (PR 2380): no stale session even without -a', () => {
    const { state } = testNode('sea-mn-bm1');
    expect(state.daemon.provision?.allocated).toBe(true);
    answerExec(state, 'sudo -n doublezero disconnect ibrl', TEST_NOW);
    answerExec(state, 'sudo -n doublezero connect ibrl', TEST_NOW);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
    const withdrawn = parseJournal(
      answerExec(state, `journalctl -u doublezerod --no-pager -o json --since @${Math.floor(TEST_NOW / 1000)}`, LATER).stdout,
    ).filter((e) => e.msg === 'liveness: withdrawing route');
    expect(withdrawn.length).toBe(state.daemon.provision!.peers.length);
  });

  it('reconnect-daemon brings back doublezero0 on the disconnected node', () => {
    const { state } = testNode('nyc-mn-bm1');
    expectAllOk(state, 'reconnect-daemon');
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
    // No warning names the peer (a pinned send leaves without a route): the route table does.
    expect(warningsBetween(state, TEST_NOW - 60_000, TEST_NOW)).toEqual([]);
    const peer = state.daemon.provision!.withheldRoutes[0]!;
    expect(runAction(state, 'add-route', { prefix: `${peer}/32`, via: '10.9.9.9', ifname: 'doublezero0', src: plan.dzIp })).toEqual([
      { exitCode: 2, stderr: 'Error: Nexthop has invalid gateway.\n' },
    ]);
    expect(runAction(state, 'add-route', { prefix: `${peer}/32`, via: plan.overlayPeer, ifname: 'doublezero0', src: plan.dzIp })).toEqual([ok]);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
    const route = (JSON.parse(answerExec(state, 'ip -j route show table all', LATER).stdout) as { dst: string; prefsrc?: string; dev?: string }[]).find(
      (r) => r.dst === peer,
    );
    expect(route).toMatchObject({ dev: 'doublezero0', prefsrc: plan.dzIp });
  });

  it('delete-route removes a route; liveness to that peer keeps working (its sends are pinned to doublezero0)', () => {
    const { state } = testNode('par-mn-bm1');
    const peer = '216.238.110.55';
    expect(runAction(state, 'delete-route', { prefix: `${peer}/32`, ifname: 'doublezero0' })).toEqual([ok]);
    expect((JSON.parse(answerExec(state, 'ip -j route show table all', LATER).stdout) as { dst: string }[]).some((r) => r.dst === peer)).toBe(false);
    expect(warningsBetween(state, TEST_NOW, LATER)).toEqual([]);
    expect(runAction(state, 'delete-route', { prefix: `${peer}/32`, ifname: 'doublezero0' })).toEqual([
      { exitCode: 2, stderr: 'RTNETLINK answers: No such process\n' },
    ]);
  });

  it('capture-bundle commands all succeed on a node with nftables', () => {
    const { state } = testNode('dfw-mn-bm1');
    expect(runAction(state, 'capture-bundle')).toEqual([ok, ok, ok, ok, ok, ok]);
  });

  it('privileged commands fail without sudo, like on a node', () => {
    const { state } = testNode('lon-mn-bm1');
    expect(answerExec(state, 'ip route del 216.238.110.55/32 dev doublezero0', TEST_NOW)).toEqual({
      stdout: '',
      stderr: 'RTNETLINK answers: Operation not permitted\n',
      exitCode: 2,
    });
    expect(answerExec(state, 'doublezero disconnect', TEST_NOW).exitCode).toBe(1);
    expect(JSON.parse(answerExec(state, 'doublezero status --json', TEST_NOW).stdout)).toEqual([
      expect.objectContaining({ tunnel_name: 'doublezero0', user_type: 'IBRL' }),
    ]);
  });
});
