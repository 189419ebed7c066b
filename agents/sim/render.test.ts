import { describe, expect, it } from 'vitest';
import { parseDaemonRoutes } from '../../lib/parse/daemon-routes';
import { parseIpAddr } from '../../lib/parse/ip-addr';
import { parseIpLink } from '../../lib/parse/ip-link';
import { parseIpRoute } from '../../lib/parse/ip-route';
import { parseIpRule } from '../../lib/parse/ip-rule';
import { parseMetrics } from '../../lib/parse/metrics';
import { parseNft } from '../../lib/parse/nft';
import { runCommand } from './commands';
import { METRICS_SCRIPT } from '../../lib/probe/commands';
import { parseDaemonStatus } from '../../lib/parse/daemon-status';
import { parseDaemonVersion } from '../../lib/parse/daemon-version';
import { SEED_EXTRA_PEERS, SEED_STALE_SESSIONS, SEED_VANISHED_IP } from './scenarios';
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
    // every other unicast node of the 12 (chi runs multicast only) and the external clients
    expect(bgp).toHaveLength(testNode('par-mn-bm1').state.daemon.provision!.peers.length);
    expect(bgp).toHaveLength(15);
    for (const r of bgp) expect(r).toMatchObject({ table: 'main', dev: 'doublezero0', gateway: plan.overlayPeer, prefsrc: plan.dzIp });
    expect(bgp.map((r) => r.dstText)).toContain('216.238.110.55');
    expect(parsed.items.find((r) => r.dstText === 'default')).toMatchObject({ table: 'main', gateway: plan.gateway, dev: 'eth0' });
    expect(parsed.items.filter((r) => r.table === 'local' && r.type === 'local').map((r) => r.dstText)).toEqual(
      expect.arrayContaining(['127.0.0.1', plan.publicIp, plan.overlayLocal, plan.dzIp]),
    );
  });

  it('leaves out the route to one peer on the missing-route node', () => {
    const routes = parseIpRoute(run('lon-mn-bm1', 'ip -j route show table all').stdout).items.filter((r) => r.protocol === 'bgp');
    expect(routes).toHaveLength(testNode('lon-mn-bm1').state.daemon.provision!.peers.length - 1);
  });

  it('filters by table, protocol and device the way iproute2 prints it (no dev/protocol keys)', () => {
    const r = run('dfw-mn-bm1', 'ip -j route show table main proto bgp dev doublezero0');
    const records = JSON.parse(r.stdout) as Record<string, unknown>[];
    // the seed node's current peers: the fleet's, the external clients and its 40 extra ones
    expect(records).toHaveLength(15 + SEED_EXTRA_PEERS.length);
    expect(Object.keys(records[0]!)).toEqual(['dst', 'gateway', 'prefsrc', 'flags']);
  });
});

describe('ip -j rule show', () => {
  it('lists the three default rules', () => {
    const parsed = parseIpRule(run('dfw-mn-bm1', 'ip -j rule show').stdout);
    expect(parsed.issues).toEqual([]);
    expect(parsed.items.map((r) => [r.priority, r.table])).toEqual([
      [0, 'local'],
      [32766, 'main'],
      [32767, 'default'],
    ]);
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
  const routesOf = (name: string) => run(name, 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/routes');

  it('lists only the current DZ IP on /routes: the seed node stale sessions never appear (internal/api/routes.go)', () => {
    const r = routesOf('dfw-mn-bm1');
    expect(r.exitCode).toBe(0);
    const parsed = parseDaemonRoutes(r.stdout);
    expect(parsed.issues).toEqual([]);
    expect(parsed.items.filter((x) => x.localIP === SEED_VANISHED_IP)).toEqual([]);
    const current = parsed.items.filter((x) => x.localIP === '198.18.0.2');
    expect(current).toHaveLength(15 + SEED_EXTRA_PEERS.length);
    for (const c of current) expect(c).toMatchObject({ livenessState: 'up', kernelState: 'present' });
    // v0.8.0 writes user_type and no peer mode
    expect(r.stdout).toContain('"user_type":"IBRL"');
    expect(r.stdout).not.toContain('liveness_peer_mode');
  });

  it('answers /routes with v0.8.1+ fields on a current client and 404 before v0.8.0', () => {
    const par = parseDaemonRoutes(routesOf('par-mn-bm1').stdout);
    expect(par.items.length).toBeGreaterThan(0);
    for (const c of par.items) expect(c).toMatchObject({ livenessState: 'up', kernelState: 'present', livenessPeerMode: 'passive' });
    expect(routesOf('lax-mn-bm1').stdout).toBe('404 page not found\n');
  });

  it("v0.8.0 matches /routes on the tunnel source: after a reconnect with -a it lists the public IP's (stale) sessions, not the allocated IP's", () => {
    const { state } = testNode('dfw-mn-bm1');
    runCommand(state, ['sudo', '-n', 'doublezero', 'disconnect', 'ibrl'], TEST_NOW);
    runCommand(state, ['sudo', '-n', 'doublezero', 'connect', 'ibrl', '-a'], TEST_NOW);
    const allocated = state.daemon.provision!.dzIp;
    expect(allocated).toBe(SEED_VANISHED_IP);
    const listed = parseDaemonRoutes(
      runCommand(state, ['curl', '-s', '--unix-socket', '/run/doublezerod/doublezerod.sock', 'http://localhost/routes'], TEST_NOW + 60_000).stdout,
    ).items;
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed.map((x) => x.localIP))).toEqual(new Set(['198.18.0.2']));
    // Their source is still eth0's address, so their pinned sends work: up, without a kernel route of their own.
    for (const x of listed) expect(x).toMatchObject({ kernelState: 'absent', livenessState: 'up' });
  });

  it('exits 7 silently when the daemon socket is absent (daemon stopped)', () => {
    const { state } = testNode('par-mn-bm1');
    expect(runCommand(state, ['sudo', '-n', 'systemctl', 'stop', 'doublezerod'], TEST_NOW).exitCode).toBe(0);
    expect(runCommand(state, ['curl', '-s', '--unix-socket', '/run/doublezerod/doublezerod.sock', 'http://localhost/routes'], TEST_NOW)).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 7,
    });
    expect(runCommand(state, ['systemctl', 'is-active', 'doublezerod'], TEST_NOW)).toEqual({ stdout: 'inactive\n', stderr: '', exitCode: 3 });
    const show = runCommand(
      state,
      ['env', 'TZ=UTC', 'systemctl', 'show', 'doublezerod', '--no-pager', '-p', 'MainPID,ActiveEnterTimestamp,ExecMainStartTimestamp,ExecStart'],
      TEST_NOW,
    ).stdout;
    expect(show).toMatch(
      /^MainPID=0\nExecMainStartTimestamp=\w{3} 2025-11-30 \d\d:\d\d:\d\d UTC\nExecStart=\{ path=\/usr\/bin\/doublezerod ; argv\[\]=\/usr\/bin\/doublezerod -sock-file .* code=exited ; status=0\/SUCCESS \}\nActiveEnterTimestamp=/,
    );
  });

  it('the metrics script finds the random port from the start record and reads the exact stale count', () => {
    const { state } = testNode('dfw-mn-bm1');
    const out = runCommand(state, ['sh', '-c', METRICS_SCRIPT], TEST_NOW);
    expect(out.exitCode).toBe(0);
    const parsed = parseMetrics(out.stdout);
    expect(parsed.issues).toEqual([]);
    const sample = (name: string, labels: Record<string, string>) =>
      parsed.items.find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v));
    expect(sample('doublezero_liveness_sessions', { local_ip: SEED_VANISHED_IP, state: 'down' })?.value).toBe(SEED_STALE_SESSIONS);
    expect(sample('doublezero_build_info', { version: '0.8.0' })?.value).toBe(1);
    // unthrottled: ~1 failed send per stale session per second for the last 20 min
    const errors = sample('doublezero_liveness_write_socket_errors_total', { iface: 'doublezero0', local_ip: SEED_VANISHED_IP })?.value ?? 0;
    expect(errors).toBeGreaterThan(SEED_STALE_SESSIONS * 1100);
    expect(errors).toBeLessThan(SEED_STALE_SESSIONS * 1300);
    expect(new Set(parsed.items.map((m) => m.name))).toEqual(
      new Set(['doublezero_build_info', 'doublezero_liveness_sessions', 'doublezero_liveness_write_socket_errors_total']),
    );
  });

  it('a restart gets a new random metrics port, logged by the new PID as upstream logs it', () => {
    const { state } = testNode('dfw-mn-bm1');
    const before = state.daemon.metricsPort;
    runCommand(state, ['sudo', '-n', 'systemctl', 'restart', 'doublezerod'], TEST_NOW);
    const started = runCommand(state, ['journalctl', '-u', 'doublezerod', `_PID=${state.daemon.pid}`, '-o', 'cat', '--no-pager'], TEST_NOW + 1_000).stdout;
    const addr = /"msg":"prometheus metrics server started","address":"([^"]*)"/.exec(started)?.[1];
    expect(addr).toBe(`127.0.0.1:${state.daemon.metricsPort}`);
    expect(state.daemon.metricsPort).not.toBe(before);
    expect(run('dfw-mn-bm1', `curl -s --max-time 2 http://localhost:${before}/metrics`).exitCode).toBe(0);
    expect(runCommand(state, ['curl', '-s', '--max-time', '2', `http://localhost:${before}/metrics`], TEST_NOW + 1_000).exitCode).toBe(7);
    expect(runCommand(state, ['sh', '-c', METRICS_SCRIPT], TEST_NOW + 1_000).stdout).toContain(
      `doublezero_liveness_sessions{iface="doublezero0",local_ip="198.18.0.2",state="up"}`,
    );
  });

  it('the metrics script exits 4 on a node without -metrics-enable, and reads a fixed -metrics-addr', () => {
    expect(runCommand(testNode('ams-mn-bm1').state, ['sh', '-c', METRICS_SCRIPT], TEST_NOW)).toEqual({
      stdout: '',
      stderr: 'metrics off: doublezerod runs without -metrics-enable\n',
      exitCode: 4,
    });
    const fra = runCommand(testNode('fra-mn-bm1').state, ['sh', '-c', METRICS_SCRIPT], TEST_NOW);
    expect(fra.exitCode).toBe(0);
    expect(fra.stdout).toContain('doublezero_build_info{commit=');
    expect(run('fra-mn-bm1', 'curl -s --max-time 2 http://localhost:2113/metrics').stdout).toBe(fra.stdout);
    expect(run('ams-mn-bm1', 'curl -s --max-time 2 http://localhost:2113/metrics').exitCode).toBe(7);
  });

  it('doublezerod -version prints build, version and date', () => {
    const v = run('nyc-mn-bm1', 'doublezerod -version');
    expect(v.stdout).toMatch(/^build: [0-9a-f]{7}\nversion: 0\.7\.0\ndate: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    expect(parseDaemonVersion(v.stdout)).toBe('0.7.0');
  });

  it('/v2/status from v0.10.0: a multicast-only node runs doublezero1 only; 404 on older clients', () => {
    const chi = parseDaemonStatus(run('chi-mn-bm1', 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/v2/status').stdout);
    expect(chi.value?.services.map((s) => [s.tunnelName, s.userType])).toEqual([['doublezero1', 'Multicast']]);
    expect(parseIpLink(run('chi-mn-bm1', 'ip -j -d link show').stdout).items.map((l) => l.ifname)).toEqual(['lo', 'eth0', 'doublezero1']);
    const mia = parseDaemonStatus(run('mia-mn-bm1', 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/v2/status').stdout);
    expect(mia.value?.services.map((s) => [s.tunnelName, s.userType])).toEqual([
      ['doublezero0', 'IBRL'],
      ['doublezero1', 'Multicast'],
    ]);
    expect(run('par-mn-bm1', 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/v2/status').stdout).not.toBe(
      '404 page not found\n',
    );
    expect(run('sea-mn-bm1', 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/v2/status').stdout).toBe(
      '404 page not found\n',
    );
  });

  it('doublezero1 is down on the multicast-down node, doublezero0 up; its BGP session reads down', () => {
    const links = parseIpLink(run('tyo-mn-bm1', 'ip -j -d link show').stdout).items;
    expect(links.find((l) => l.ifname === 'doublezero1')?.up).toBe(false);
    expect(links.find((l) => l.ifname === 'doublezero0')?.up).toBe(true);
    const status = parseDaemonStatus(run('tyo-mn-bm1', 'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status').stdout);
    expect(status.value?.services.map((s) => [s.tunnelName, s.sessionStatus])).toEqual([
      ['doublezero0', 'BGP Session Up'],
      ['doublezero1', 'BGP Session Down'],
    ]);
  });
});
