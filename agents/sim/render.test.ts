import { describe, expect, it } from 'vitest';
import { parseDaemonRoutes } from '../../lib/parse/daemon-routes';
import { parseIpAddr } from '../../lib/parse/ip-addr';
import { parseIpLink } from '../../lib/parse/ip-link';
import { parseIpRoute } from '../../lib/parse/ip-route';
import { parseIpRule } from '../../lib/parse/ip-rule';
import { parseMetrics } from '../../lib/parse/metrics';
import { parseNft } from '../../lib/parse/nft';
import { runCommand } from './commands';
import { SEED_VANISHED_IP } from './scenarios';
import { testNode, TEST_NOW } from './testing';

// Every rendered section must read back with the product's own parsers, without issues, and say
// what the node's state says.

const run = (name: string, cmd: string) => {
  const { state } = testNode(name);
  return runCommand(state, cmd.split(' '), TEST_NOW);
};

describe('ip -j -d link show', () => {
  it('shows doublezero0 as an up GRE tunnel with MTU 1476', () => {
    const r = run('dfw-mn-bm1', 'ip -j -d link show');
    expect(r.exitCode).toBe(0);
    const parsed = parseIpLink(r.stdout);
    expect(parsed.issues).toEqual([]);
    expect(parsed.items.map((l) => l.ifname)).toEqual(['lo', 'eth0', 'doublezero0']);
    const dz = parsed.items.find((l) => l.ifname === 'doublezero0')!;
    expect(dz).toMatchObject({ kind: 'gre', mtu: 1476, up: true, lowerUp: true, linkType: 'gre' });
    expect(dz.flags).toEqual(['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP']);
  });

  it('shows the tunnel without UP on the link-down node', () => {
    const dz = parseIpLink(run('ams-mn-bm1', 'ip -j -d link show').stdout).items.find((l) => l.ifname === 'doublezero0')!;
    expect(dz.up).toBe(false);
    expect(dz.operstate).toBe('DOWN');
  });

  it('has no doublezero0 on the disconnected node', () => {
    const names = parseIpLink(run('nyc-mn-bm1', 'ip -j -d link show').stdout).items.map((l) => l.ifname);
    expect(names).toEqual(['lo', 'eth0']);
  });
});

describe('ip -j addr show', () => {
  it('gives the seed node the upper overlay address and no longer the vanished allocated IP', () => {
    const parsed = parseIpAddr(run('dfw-mn-bm1', 'ip -j addr show').stdout);
    expect(parsed.issues).toEqual([]);
    const dz = parsed.items.filter((a) => a.ifname === 'doublezero0').map((a) => `${a.local}/${a.prefixlen}`);
    expect(dz).toEqual(['169.254.0.1/31']);
    expect(parsed.items.some((a) => a.local === SEED_VANISHED_IP)).toBe(false);
    expect(parsed.items.find((a) => a.ifname === 'eth0' && a.family === 'inet')).toMatchObject({ local: '198.18.0.2', prefixlen: 29 });
  });

  it('puts the allocated DZ IP on doublezero0 as a /32 on a node connected with -a', () => {
    const { plan } = testNode('sea-mn-bm1');
    expect(plan.allocated).toBe(true);
    const dz = parseIpAddr(run('sea-mn-bm1', 'ip -j addr show dev doublezero0').stdout).items.map((a) => `${a.local}/${a.prefixlen}`);
    expect(dz).toEqual([`${plan.overlayLocal}/31`, `${plan.dzIp}/32`]);
  });

  it('refuses an unknown device like iproute2', () => {
    expect(run('nyc-mn-bm1', 'ip -j addr show dev doublezero0')).toEqual({ stdout: '', stderr: 'Device "doublezero0" does not exist.\n', exitCode: 1 });
  });
});

describe('ip -j route show table all', () => {
  it('has a proto bgp /32 to every peer via the overlay peer, src the DZ IP, and the default via eth0', () => {
    const { plan } = testNode('par-mn-bm1');
    const parsed = parseIpRoute(run('par-mn-bm1', 'ip -j route show table all').stdout);
    expect(parsed.issues).toEqual([]);
    const bgp = parsed.items.filter((r) => r.protocol === 'bgp');
    expect(bgp).toHaveLength(16);
    for (const r of bgp) expect(r).toMatchObject({ table: 'main', dev: 'doublezero0', gateway: plan.overlayPeer, prefsrc: plan.dzIp });
    expect(bgp.map((r) => r.dstText)).toContain('216.238.110.55');
    expect(parsed.items.find((r) => r.dstText === 'default')).toMatchObject({ table: 'main', gateway: plan.gateway, dev: 'eth0' });
    expect(parsed.items.filter((r) => r.table === 'local' && r.type === 'local').map((r) => r.dstText)).toEqual(
      expect.arrayContaining(['127.0.0.1', plan.publicIp, plan.overlayLocal, plan.dzIp]),
    );
  });

  it('leaves out the route to one peer on the missing-route node', () => {
    const routes = parseIpRoute(run('lon-mn-bm1', 'ip -j route show table all').stdout).items.filter((r) => r.protocol === 'bgp');
    expect(routes).toHaveLength(15);
  });

  it('filters by table, protocol and device the way iproute2 prints it (no dev/protocol keys)', () => {
    const r = run('dfw-mn-bm1', 'ip -j route show table main proto bgp dev doublezero0');
    const records = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(records).toHaveLength(16);
    expect(Object.keys(records[0]!)).toEqual(['dst', 'gateway', 'prefsrc', 'flags']);
  });
});

describe('ip -j rule show', () => {
  it('lists the three default rules', () => {
    const parsed = parseIpRule(run('dfw-mn-bm1', 'ip -j rule show').stdout);
    expect(parsed.issues).toEqual([]);
    expect(parsed.items.map((r) => [r.priority, r.table])).toEqual([[0, 'local'], [32766, 'main'], [32767, 'default']]);
  });
});

describe('sudo -n nft -j list ruleset', () => {
  it('shows an output rule dropping udp dport 44880 to one peer on the nft-drop node', () => {
    const r = run('fra-mn-bm1', 'sudo -n nft -j list ruleset');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.startsWith('{"nftables": [{"metainfo": {"version": "1.0.6"')).toBe(true);
    const parsed = parseNft(r.stdout);
    expect(parsed.issues).toEqual([]);
    expect(parsed.chains.map((c) => c.hook)).toEqual(['input', 'forward', 'output']);
    expect(parsed.rules).toHaveLength(1);
    expect(parsed.rules[0]).toMatchObject({ chain: 'output', verdict: 'drop' });
    expect(parsed.rules[0]!.matches.map((m) => m.field)).toEqual(['ip daddr', 'udp dport']);
  });

  it('is "command not found" through sudo on the node without nftables', () => {
    expect(run('lax-mn-bm1', 'sudo -n nft -j list ruleset')).toEqual({ stdout: '', stderr: 'sudo: nft: command not found\n', exitCode: 1 });
  });
});

describe('daemon API and metrics', () => {
  it('lists the seed node stale sessions (vanished local IP, down) next to the current ones (up)', () => {
    const r = run('dfw-mn-bm1', 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/routes');
    expect(r.exitCode).toBe(0);
    const parsed = parseDaemonRoutes(r.stdout);
    expect(parsed.issues).toEqual([]);
    const stale = parsed.items.filter((x) => x.localIP === SEED_VANISHED_IP);
    expect(stale.map((x) => x.peerIP)).toEqual(expect.arrayContaining(['216.238.110.55', '185.189.45.80', '86.54.153.247']));
    for (const s of stale) expect(s).toMatchObject({ livenessState: 'down', livenessStateReason: 'timeout', kernelState: 'absent' });
    const current = parsed.items.filter((x) => x.localIP === '198.18.0.2');
    expect(current).toHaveLength(16);
    for (const c of current) expect(c).toMatchObject({ livenessState: 'up', kernelState: 'present', livenessPeerMode: 'passive' });
  });

  it('exits 7 silently when the daemon socket is absent (daemon stopped)', () => {
    const { state } = testNode('par-mn-bm1');
    expect(runCommand(state, ['sudo', '-n', 'systemctl', 'stop', 'doublezerod'], TEST_NOW).exitCode).toBe(0);
    expect(runCommand(state, ['curl', '-s', '--unix-socket', '/run/doublezerod/doublezerod.sock', 'http://localhost/routes'], TEST_NOW)).toEqual({ stdout: '', stderr: '', exitCode: 7 });
    expect(runCommand(state, ['systemctl', 'is-active', 'doublezerod'], TEST_NOW)).toEqual({ stdout: 'inactive\n', stderr: '', exitCode: 3 });
  });

  it('serves doublezero_liveness_ metrics by state when metrics are enabled', () => {
    const r = run('dfw-mn-bm1', 'curl -s --max-time 2 http://localhost:2113/metrics');
    const parsed = parseMetrics(r.stdout);
    expect(parsed.issues).toEqual([]);
    const down = parsed.items.find((m) => m.name === 'doublezero_liveness_sessions' && m.labels.local_ip === SEED_VANISHED_IP && m.labels.state === 'down');
    expect(down?.value).toBe(5);
    expect(new Set(parsed.items.map((m) => m.name))).toEqual(
      new Set([
        'doublezero_liveness_sessions',
        'doublezero_liveness_session_transitions_total',
        'doublezero_liveness_control_packets_tx_total',
        'doublezero_liveness_control_packets_rx_total',
        'doublezero_liveness_route_install_failures_total',
      ]),
    );
  });

  it('refuses the metrics port on a node without metrics', () => {
    expect(run('ams-mn-bm1', 'curl -s --max-time 2 http://localhost:2113/metrics').exitCode).toBe(7);
  });
});
