import { describe, expect, it } from 'vitest';
import type { SectionName } from '../bundle/types';
import { normalizeBundle } from '../model/normalize';
import { baseFiles, bundleFromTestdata } from '../model/testing';
import { diagnose, quietProofMs } from './diagnose';
import { DEFAULT_STALE_AFTER_MS, pollFreshness } from './freshness';
import { defaultStaleAfterMs } from '../node/poll-freshness';
import { parseJournal } from '../parse/journal';

// Real captures (lib/parse/testdata): doublezero0 up with 169.254.0.3/31 and 209.245.225.161/32, a BGP
// /32 to 216.238.110.55; variants with the link down, the /32 deleted (and the kernel-flushed routes).
const warn = (at: string, peer = '216.238.110.55', local = '209.245.225.161', err = 'sendmsg: network is unreachable'): string =>
  JSON.stringify({
    time: at,
    level: 'WARN',
    msg: 'liveness.scheduler: error writing UDP packet',
    error: `write udp 0.0.0.0:44880->${peer}:44880: ${err}`,
    peer: `interface: doublezero0, localIP: ${local}, peerIP: ${peer}`,
  });
const up = (peer = '216.238.110.55', local = '209.245.225.161'): string =>
  JSON.stringify({
    time: '2025-11-30T19:00:00Z',
    level: 'INFO',
    msg: 'liveness: session up',
    peer: `interface: doublezero0, localIP: ${local}, peerIP: ${peer}`,
  });

// What the daemon logs while sessions fail: one warning every 5 s for the WHOLE daemon, naming whichever
// session failed then (internal/liveness/scheduler.go writeErrWarnEvery), up to the collection at 19:40:00.
function failing(peers: string[], from = '2025-11-30T19:30:00Z', to = '2025-11-30T19:39:58Z', local = '209.245.225.161', err?: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (let t = Date.parse(from); t <= Date.parse(to); t += 5000, i++) out.push(warn(new Date(t).toISOString(), peers[i % peers.length], local, err));
  return out;
}
const startLine = (at: string): string =>
  JSON.stringify({
    time: at,
    level: 'INFO',
    msg: 'liveness: manager starting',
    localAddr: '0.0.0.0:44880',
    txMin: '1s',
    rxMin: '1s',
    detectMult: 3,
    passiveMode: false,
  });

function run(files: Partial<Record<SectionName, string>>, journal: string[], extra: Partial<Record<SectionName, string>> = {}) {
  return diagnose(normalizeBundle(bundleFromTestdata({ ...baseFiles, nft: 'nft-empty.json', ...files }, { journal: journal.join('\n'), ...extra })));
}
const verdictOf = (d: ReturnType<typeof diagnose>, peer = '216.238.110.55') => d.peers.find((p) => p.peer === peer)?.verdict;

describe('diagnose precedence', () => {
  const everythingWrong = { 'ip-link': 'ip-link-down.json', 'ip-addr': 'ip-addr-after-del.json', 'ip-route': 'ip-route-after-del.json', nft: 'nft.json' };

  it('interface-down wins over a missing address, a missing route and a firewall drop', () => {
    const d = run(everythingWrong, failing(['216.238.110.55'], undefined, undefined, undefined, 'sendmsg: network is down'));
    expect(verdictOf(d)).toBe('interface-down');
    expect(d.peers[0]?.evidence[0]).toBe('doublezero0 is not up: flags BROADCAST,MULTICAST, operstate DOWN');
    expect(d.doublezero0).toBe('down');
    expect(d.findings).toContainEqual(expect.objectContaining({ kind: 'tunnel', interface: 'doublezero0', verdict: 'interface-down', role: 'unicast' }));
  });

  it('interface-missing wins over everything but unknown', () => {
    const d = run(
      everythingWrong,
      failing(['216.238.110.55']).map((l) => l.replace('interface: doublezero0', 'interface: doublezero1')),
    );
    expect(verdictOf(d)).toBe('interface-missing');
    expect(d.peers.find((p) => p.interface === 'doublezero1')?.verdict).toBe('interface-missing');
  });

  it('stale-session (the seed) wins over no-route and firewall, with the missing address and the real throttle as evidence', () => {
    const d = run({ ...everythingWrong, 'ip-link': 'ip-link.json' }, failing(['216.238.110.55']));
    const peer = d.peers[0]!;
    expect(peer).toMatchObject({
      verdict: 'stale-session',
      warnings: 120,
      lastWarningAt: '2025-11-30T19:39:55.000Z',
      localIP: '209.245.225.161',
      interface: 'doublezero0',
      since: '2025-11-30T19:30:00.000Z',
    });
    expect(peer.details.missingAddress).toBe('209.245.225.161');
    expect(peer.details.interfaceAddresses).toEqual(['169.254.0.3/31', 'fe80::68c1:11ff:fed1:1703/64']);
    expect(peer.evidence[0]).toContain('not assigned');
    expect(peer.evidence[1]).toContain('120 send warning(s) naming this peer');
    expect(peer.evidence[1]).toContain('at most one send warning every 5 s for the whole daemon');
  });

  it('no-route wins over firewall-blocked, with the lookup result, although a pinned send logs nothing', () => {
    const d = run({ 'ip-route': 'ip-route-after-del.json', nft: 'nft.json' }, [up()]);
    const peer = d.peers[0]!;
    expect(peer.verdict).toBe('no-route');
    expect(peer.warnings).toBe(0);
    expect(peer.details.route).toMatchObject({ ok: false, failure: 'no-route' });
  });

  it('firewall-blocked names the rule or the policy that drops UDP 44880', () => {
    const d = run({ nft: 'nft.json' }, [up()]);
    expect(verdictOf(d)).toBe('firewall-blocked');
    expect(d.peers[0]?.details.firewall).toMatchObject({ known: true, verdict: 'drop', policyChain: 'ip raw out' });
  });

  it('healthy needs every check to pass and no warning in the window; warnings with no cause and no proof are unknown', () => {
    const healthy = run({}, [up(), warn('2025-11-30T19:20:00Z')]);
    expect(verdictOf(healthy)).toBe('healthy');
    expect(healthy.peers[0]).toMatchObject({ warnings: 0, lastWarningAt: '2025-11-30T19:20:00.000Z' });
    expect(healthy.peers[0]?.details.route).toMatchObject({ ok: true, table: 'main', dev: 'doublezero0' });
    // still warning now, nothing on the node explains it (an EPERM from outside what we see)
    const ongoing = run({}, [up(), ...failing(['216.238.110.55'], '2025-11-30T19:38:00Z', undefined, undefined, 'sendmsg: operation not permitted')]);
    expect(ongoing.peers[0]).toMatchObject({ verdict: 'unknown' });
    expect(ongoing.peers[0]?.evidence[0]).toContain('no cause is visible');
    expect(diagnose(normalizeBundle(bundleFromTestdata(baseFiles, { journal: up() })), { windowMs: 60_000 }).peers[0]?.verdict).toBe('firewall-blocked');
  });

  it('unknown (poll stale or failed) wins over everything', () => {
    const state = normalizeBundle(bundleFromTestdata({ ...baseFiles, ...everythingWrong }, { journal: warn('2025-11-30T19:36:22Z') }));
    const freshness = pollFreshness(
      { state: 'error', lastSuccessAt: '2025-11-30T19:40:00Z', lastError: 'connect ETIMEDOUT' },
      new Date('2025-11-30T19:41:00Z'),
    );
    const d = diagnose(state, { freshness });
    expect(d.nodeUnknown).toBe('last poll failed: connect ETIMEDOUT');
    expect(d.peers[0]).toMatchObject({ verdict: 'unknown', warnings: 1 });
    expect(d.peers[0]?.details.poll).toEqual({
      state: 'error',
      lastSuccessAt: '2025-11-30T19:40:00Z',
      ageSeconds: 60,
      error: 'last poll failed: connect ETIMEDOUT',
    });
    expect(d.worst).toBe('unknown');
    expect(d.findings).toEqual([]);
  });

  it('counts warnings from earlier polls, deduplicated', () => {
    const state = normalizeBundle(bundleFromTestdata({ ...baseFiles, nft: 'nft-empty.json' }, { journal: warn('2025-11-30T19:39:56Z') }));
    const d = diagnose(state, { earlierEvents: [...state.events, { ...state.events[0]!, at: '2025-11-30T19:39:51.000Z', dedupeKey: 'earlier' }] });
    expect(d.peers[0]?.warnings).toBe(2);
  });
});

describe('diagnose: the daemon as it really logs (docs/doublezerod-model.md)', () => {
  const stale = { 'ip-addr': 'ip-addr-after-del.json', 'ip-route': 'ip-route-after-del.json' };
  const peersOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`);

  it('keeps every peer sampled with a stale local IP red, however long it has been quiet (global throttle)', () => {
    // 200 stale sessions for an hour: each peer is named about every 17 min, many not in the last 15
    const peers = peersOf(200);
    const d = run(stale, failing(peers, '2025-11-30T18:40:00Z'));
    const sampled = new Set(failing(peers, '2025-11-30T18:40:00Z').map((l) => (JSON.parse(l) as { peer: string }).peer.split('peerIP: ')[1]));
    expect(sampled.size).toBe(200);
    const quietPeers = d.peers.filter((p) => p.warnings === 0 && p.lastWarningAt !== null);
    expect(quietPeers.length).toBeGreaterThan(0);
    expect(quietPeers.every((p) => p.verdict === 'stale-session')).toBe(true);
    expect(d.peers.filter((p) => p.verdict === 'stale-session')).toHaveLength(200);
    const finding = d.findings.find((f) => f.kind === 'stale-local-ip');
    expect(finding).toMatchObject({ localIP: '209.245.225.161', interface: 'doublezero0', sessionsFailing: 200, exact: false });
    expect(finding?.summary).toBe('local IP 209.245.225.161 is not assigned to doublezero0; ≥ 200 session(s) failing');
    expect(d.worst).toBe('stale-session');
  });

  it('takes K exactly from doublezero_liveness_sessions when the metrics were read', () => {
    const metrics = [
      'doublezero_liveness_sessions{iface="doublezero0",local_ip="209.245.225.161",state="down"} 198',
      'doublezero_liveness_sessions{iface="doublezero0",local_ip="209.245.225.161",state="init"} 2',
      'doublezero_liveness_write_socket_errors_total{iface="doublezero0",local_ip="209.245.225.161"} 712000',
    ].join('\n');
    const d = run(stale, failing(peersOf(20)), { metrics });
    expect(d.findings.find((f) => f.kind === 'stale-local-ip')).toMatchObject({ sessionsFailing: 200, exact: true, writeErrors: 712000 });
  });

  it('does not clear a stale peer because the daemon session list lacks it (/routes lists the current DZ IP only)', () => {
    const routes = JSON.stringify([
      { network: 'mainnet-beta', local_ip: '203.0.113.10', peer_ip: '198.51.0.1', liveness_state: 'up', kernel_state: 'present' },
    ]);
    const d = run({ 'ip-addr': 'ip-addr-after-del.json' }, failing(['198.51.0.1', '198.51.0.2']), { 'daemon-routes': routes });
    expect(d.peers.find((p) => p.peer === '198.51.0.2')?.verdict).toBe('stale-session');
    // the listed session from the current IP is a second session to the same peer; the stale one speaks for it
    expect(d.peers.find((p) => p.peer === '198.51.0.1')).toMatchObject({ verdict: 'stale-session', details: { otherSessions: [{ localIP: '203.0.113.10' }] } });
  });

  it('reads the peer of a v0.7.0 warning (no `peer` field) from its error text; the local IP is unknown', () => {
    const old = (at: string, peer: string): string =>
      JSON.stringify({
        time: at,
        level: 'WARN',
        msg: 'liveness.scheduler: error writing UDP packet',
        error: `write udp 0.0.0.0:44880->${peer}:44880: sendmsg: network is unreachable`,
      });
    const lines: string[] = [];
    for (let t = Date.parse('2025-11-30T19:35:00Z'), i = 0; t < Date.parse('2025-11-30T19:40:00Z'); t += 5000, i++)
      lines.push(old(new Date(t).toISOString(), i % 2 ? '216.238.110.55' : '198.18.7.55'));
    const d = run({}, lines);
    expect(d.peers.map((p) => [p.peer, p.verdict, p.localIP])).toEqual(
      expect.arrayContaining([
        ['216.238.110.55', 'stale-session', ''],
        ['198.18.7.55', 'stale-session', ''],
      ]),
    );
    expect(d.findings.find((f) => f.kind === 'stale-local-ip')).toMatchObject({ localIP: null, exact: false });
  });

  it('does not count `received control packet for unknown peer` WARN lines (v0.8.0) as send failures', () => {
    const unknownPeer = (at: string): string =>
      JSON.stringify({
        time: at,
        level: 'WARN',
        msg: 'liveness: received control packet for unknown peer',
        peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 203.0.113.200',
        peerDiscr: 0,
        localDiscr: 7,
        state: 'down',
      });
    const d = run({ nft: 'nft-empty.json' }, [
      up(),
      ...['19:39:00', '19:39:10', '19:39:20', '19:39:30', '19:39:40', '19:39:50'].map((t) => unknownPeer(`2025-11-30T${t}Z`)),
    ]);
    expect(d.peers.map((p) => p.peer)).not.toContain('203.0.113.200');
    expect(d.worst).toBe('healthy');
    expect(d.warningsInWindow).toBe(0);
  });

  it('keeps passive peers whose `session up (global passive; no-op)` is older than the window, healthy', () => {
    const passiveUp = JSON.stringify({
      time: '2025-11-30T16:00:00Z',
      level: 'INFO',
      msg: 'liveness: session up (global passive; no-op)',
      peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55',
      route: 'x',
      convergence: '1s',
    });
    const d = run({ nft: 'nft-empty.json' }, [passiveUp]);
    expect(verdictOf(d)).toBe('healthy');
  });

  it('is recovering, not red, after a daemon restart: sessions of the old process are gone', () => {
    const d = run(stale, [...failing(['216.238.110.55', '198.18.7.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:38:00Z'), startLine('2025-11-30T19:38:30Z')]);
    expect(d.peers.map((p) => p.verdict)).toEqual(['recovering', 'recovering']);
    expect(d.peers[0]?.details.cleared).toMatchObject({ by: 'daemon-restarted', at: '2025-11-30T19:38:30.000Z' });
    expect(d.peers[0]?.since).toBe('2025-11-30T19:38:30.000Z');
    expect(d.findings.filter((f) => f.kind === 'stale-local-ip')).toEqual([]);
    expect(d.worst).toBe('recovering');
    expect(d.daemon).toMatchObject({ startedAt: '2025-11-30T19:38:30.000Z', startedAtSource: 'journal: manager starting' });
  });

  it('takes the restart from systemctl show or a new PID as well as from the start line', () => {
    const show =
      'MainPID=4242\nActiveEnterTimestamp=Sun 2025-11-30 19:38:30 UTC\nExecStart={ path=/usr/bin/doublezerod ; argv[]=/usr/bin/doublezerod -sock-file /run/doublezerod/doublezerod.sock ; ignore_errors=no }\n';
    const bySystemctl = run(stale, failing(['216.238.110.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:38:00Z'), { 'systemctl-show': show });
    expect(bySystemctl.peers[0]).toMatchObject({ verdict: 'recovering', details: { cleared: { by: 'daemon-restarted' } } });
    expect(bySystemctl.daemon).toMatchObject({ pid: 4242, startedAtSource: 'systemctl' });
    const syslog = (pid: number, line: string): string =>
      `Nov 30 ${(JSON.parse(line) as { time: string }).time.slice(11, 19)} dfw-mn-bm1 doublezerod[${pid}]: ${line}`;
    const byPid = run(stale, [
      ...failing(['216.238.110.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:38:00Z').map((l) => syslog(100, l)),
      syslog(200, up('198.18.7.55', '203.0.113.10').replace('19:00:00', '19:39:00')),
    ]);
    expect(byPid.peers.find((p) => p.peer === '216.238.110.55')?.verdict).toBe('recovering');
    expect(byPid.daemon.startedAtSource).toBe('journal: new PID');
  });

  it('is recovering when the allocated IP is assigned again, or when the whole daemon fell silent', () => {
    const reassigned = run({}, failing(['216.238.110.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:39:58Z'));
    expect(reassigned.peers[0]).toMatchObject({ verdict: 'recovering', details: { cleared: { by: 'cause-gone' } } });
    const silent = run(stale, failing(['216.238.110.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:35:00Z'));
    expect(silent.peers[0]).toMatchObject({ verdict: 'recovering', details: { cleared: { by: 'daemon-quiet', at: '2025-11-30T19:35:00.000Z' } } });
    // quiet is proof only when the journal was read
    const unread = diagnose(
      normalizeBundle({
        ...bundleFromTestdata({ ...baseFiles, ...stale }),
        sections: { ...bundleFromTestdata({ ...baseFiles, ...stale }).sections, journal: { stdout: '', stderr: 'denied', exitCode: 1, truncated: false } },
      }),
      {
        earlierEvents: parseJournal(failing(['216.238.110.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:35:00Z').join('\n')),
      },
    );
    expect(unread.peers[0]?.verdict).toBe('stale-session');
  });

  it('needs a longer silence as proof from v0.8.1, whose failing sessions back off to one send a minute', () => {
    expect(quietProofMs('0.8.0')).toBe(36_000);
    expect(quietProofMs('0.8.3')).toBe(quietProofMs(null));
    expect(quietProofMs('0.8.3')).toBeGreaterThan(2 * 66_000);
    // the last failure 60 s before collection: silence enough on v0.8.0, not on v0.8.3
    const lines = failing(['216.238.110.55'], '2025-11-30T19:30:00Z', '2025-11-30T19:39:00Z');
    const onVersion = (version: string) => run(stale, lines, { 'daemon-version': `build: abc\nversion: ${version}\ndate: 2025-11-01\n` }).peers[0]?.verdict;
    expect(onVersion('0.8.0')).toBe('recovering');
    expect(onVersion('0.8.3')).toBe('stale-session');
  });

  it('judges each tunnel: doublezero1 down is a node finding; a multicast-only node is not missing doublezero0', () => {
    const links = (withDz0: boolean): string =>
      JSON.stringify([
        { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, operstate: 'UNKNOWN', link_type: 'loopback' },
        ...(withDz0
          ? [
              {
                ifindex: 5,
                ifname: 'doublezero0',
                flags: ['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP'],
                mtu: 1476,
                operstate: 'UNKNOWN',
                link_type: 'gre',
                linkinfo: { info_kind: 'gre' },
              },
            ]
          : []),
        { ifindex: 6, ifname: 'doublezero1', flags: ['POINTOPOINT', 'NOARP'], mtu: 1476, operstate: 'DOWN', link_type: 'gre', linkinfo: { info_kind: 'gre' } },
      ]);
    const both = diagnose(normalizeBundle(bundleFromTestdata({ ...baseFiles, nft: 'nft-empty.json' }, { 'ip-link': links(true), journal: '' })));
    expect(both.findings).toEqual([expect.objectContaining({ kind: 'tunnel', interface: 'doublezero1', role: 'multicast', verdict: 'interface-down' })]);
    expect(both.worst).toBe('interface-down');
    const multicastOnly = diagnose(
      normalizeBundle(
        bundleFromTestdata(
          { 'ip-addr': 'ip-addr.json', 'ip-rule': 'ip-rule.json', 'ip-route': 'ip-route-after-del.json', nft: 'nft-empty.json' },
          { 'ip-link': links(false), journal: '' },
        ),
      ),
    );
    expect(multicastOnly.tunnels.map((t) => t.interface)).toEqual(['doublezero1']);
    expect(multicastOnly.findings.map((f) => [f.kind, f.interface, f.verdict])).toEqual([['tunnel', 'doublezero1', 'interface-down']]);
  });
});

describe('diagnose peers', () => {
  it('gives exactly one verdict per peer, the worst of its sessions, listing the others', () => {
    const d = run({}, [up(), ...failing(['216.238.110.55'], '2025-11-30T19:39:00Z', undefined, '203.0.113.77'), up('198.51.100.9')]);
    expect(d.peers.map((p) => [p.peer, p.verdict])).toEqual([
      ['216.238.110.55', 'stale-session'],
      ['198.51.100.9', 'healthy'],
    ]);
    expect(d.peers[0]?.details.otherSessions).toEqual([{ interface: 'doublezero0', localIP: '209.245.225.161', verdict: 'healthy' }]);
    expect(d.worst).toBe('stale-session');
    expect(d.warningsInWindow).toBe(12);
  });

  it('takes peers from the daemon session list and the kernel BGP routes even before they log', () => {
    const sessions = JSON.stringify([
      {
        network: 'mainnet-beta',
        local_ip: '209.245.225.161',
        peer_ip: '198.51.100.7',
        liveness_state: 'down',
        liveness_state_reason: 'timeout',
        kernel_state: 'absent',
      },
    ]);
    const d = run({}, [], { 'daemon-routes': sessions });
    expect(d.peers.find((p) => p.peer === '198.51.100.7')).toMatchObject({ localIP: '209.245.225.161', warnings: 0 });
    expect(d.peers.find((p) => p.peer === '198.51.100.7')?.details.daemonSession).toBeUndefined();
    expect(d.peers.find((p) => p.peer === '216.238.110.55')?.details.seenIn).toEqual(['kernel-route']);
  });

  it('drops a session whose last word was `withdrawing route` (it names the route, not the peer)', () => {
    const upLongAgo = JSON.stringify({
      time: '2025-11-30T16:00:00Z',
      level: 'INFO',
      msg: 'liveness: session up',
      peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 203.0.113.99',
    });
    const withdrawn = JSON.stringify({
      time: '2025-11-30T17:00:00Z',
      level: 'INFO',
      msg: 'liveness: withdrawing route',
      route: 'table: 254, dst: 203.0.113.99/32, src: 209.245.225.161, nh: 169.254.0.2 protocol: bgp',
      iface: 'doublezero0',
    });
    expect(run({}, [upLongAgo]).peers.map((p) => p.peer)).toContain('203.0.113.99');
    expect(run({}, [upLongAgo, withdrawn]).peers.map((p) => p.peer)).not.toContain('203.0.113.99');
  });

  it('says when doublezerod itself is not active, as a node finding', () => {
    const d = run({ 'ip-route': 'ip-route-after-del.json' }, [up()], { systemctl: 'inactive\n' });
    expect(d.findings).toContainEqual(expect.objectContaining({ kind: 'daemon-not-running', verdict: 'unknown' }));
    expect(run({}, [up()], { systemctl: 'active\n' }).findings).toEqual([]);
  });

  it('is unknown when a required section is missing', () => {
    const bundle = bundleFromTestdata({ 'ip-link': 'ip-link.json', 'ip-addr': 'ip-addr.json' }, { journal: up() });
    const d = diagnose(normalizeBundle(bundle));
    expect(d.nodeUnknown).toBe('cannot check: ip-route, ip-rule not collected');
    expect(d.peers[0]?.verdict).toBe('unknown');
  });
});

describe('pollFreshness', () => {
  const now = new Date('2025-11-30T19:45:00Z');
  it('is fresh only after a recent successful poll', () => {
    // one rule for every view: 30 s (six polls at the default interval)
    expect(pollFreshness({ state: 'ok', lastSuccessAt: '2025-11-30T19:44:40Z' }, now)).toMatchObject({ fresh: true, reason: null, ageSeconds: 20 });
    expect(pollFreshness({ state: 'ok', lastSuccessAt: '2025-11-30T19:44:00Z' }, now)).toMatchObject({ fresh: false, reason: 'last successful poll 60 s ago' });
    expect(DEFAULT_STALE_AFTER_MS).toBe(defaultStaleAfterMs);
    expect(pollFreshness({ state: 'pending', lastSuccessAt: null }, now)).toMatchObject({ fresh: false, reason: 'never polled successfully' });
    expect(pollFreshness({ state: 'host-key-changed', lastSuccessAt: '2025-11-30T19:44:59Z' }, now).fresh).toBe(false);
  });
});
