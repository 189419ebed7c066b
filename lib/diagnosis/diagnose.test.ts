import { describe, expect, it } from 'vitest';
import type { SectionName } from '../bundle/types';
import { normalizeBundle } from '../model/normalize';
import { baseFiles, bundleFromTestdata } from '../model/testing';
import { diagnose } from './diagnose';
import { pollFreshness } from './freshness';

// Real captures (lib/parse/testdata): doublezero0 up with 169.254.0.3/31 and 209.245.225.161/32, a BGP
// /32 to 216.238.110.55; variants with the link down, the /32 deleted (and the kernel-flushed routes).
const warn = (at: string, peer = '216.238.110.55', local = '209.245.225.161', err = 'sendmsg: network is unreachable'): string =>
  JSON.stringify({ time: at, level: 'WARN', msg: 'liveness.scheduler: error writing UDP packet', error: `write udp 0.0.0.0:44880->${peer}:44880: ${err}`, peer: `interface: doublezero0, localIP: ${local}, peerIP: ${peer}` });
const up = (peer = '216.238.110.55', local = '209.245.225.161'): string =>
  JSON.stringify({ time: '2025-11-30T19:00:00Z', level: 'INFO', msg: 'liveness: session up', peer: `interface: doublezero0, localIP: ${local}, peerIP: ${peer}` });

function run(files: Partial<Record<SectionName, string>>, journal: string[], extra: Partial<Record<SectionName, string>> = {}) {
  return diagnose(normalizeBundle(bundleFromTestdata({ ...baseFiles, nft: 'nft-empty.json', ...files }, { journal: journal.join('\n'), ...extra })));
}
const verdictOf = (d: ReturnType<typeof diagnose>, peer = '216.238.110.55') => d.peers.find((p) => p.peer === peer)?.verdict;

describe('diagnose precedence', () => {
  const everythingWrong = { 'ip-link': 'ip-link-down.json', 'ip-addr': 'ip-addr-after-del.json', 'ip-route': 'ip-route-after-del.json', nft: 'nft.json' };

  it('interface-down wins over a missing address, a missing route and a firewall drop', () => {
    const d = run(everythingWrong, [warn('2025-11-30T19:36:22Z')]);
    expect(verdictOf(d)).toBe('interface-down');
    expect(d.peers[0]?.evidence[0]).toBe('doublezero0 is not up: flags BROADCAST,MULTICAST, operstate DOWN');
    expect(d.doublezero0).toBe('down');
  });

  it('interface-missing wins over everything but unknown', () => {
    const d = run(everythingWrong, [warn('2025-11-30T19:36:22Z').replace('interface: doublezero0', 'interface: doublezero1')]);
    expect(verdictOf(d)).toBe('interface-missing');
    expect(d.peers[0]?.interface).toBe('doublezero1');
  });

  it('stale-session (the seed) wins over no-route and firewall, with the missing address as evidence', () => {
    const d = run({ ...everythingWrong, 'ip-link': 'ip-link.json' }, [warn('2025-11-30T19:36:22Z'), warn('2025-11-30T19:36:27Z'), warn('2025-11-30T19:36:32Z')]);
    const peer = d.peers[0]!;
    expect(peer).toMatchObject({ verdict: 'stale-session', warnings: 3, lastWarningAt: '2025-11-30T19:36:32.000Z', localIP: '209.245.225.161', interface: 'doublezero0' });
    expect(peer.details.missingAddress).toBe('209.245.225.161');
    expect(peer.details.interfaceAddresses).toEqual(['169.254.0.3/31', 'fe80::68c1:11ff:fed1:1703/64']);
    expect(peer.evidence[0]).toContain('not assigned');
    expect(peer.evidence[1]).toContain('3 send warning(s)');
  });

  it('no-route wins over firewall-blocked, with the lookup result', () => {
    const d = run({ 'ip-route': 'ip-route-after-del.json', nft: 'nft.json' }, [up()]);
    const peer = d.peers[0]!;
    expect(peer.verdict).toBe('no-route');
    expect(peer.details.route).toMatchObject({ ok: false, failure: 'no-route' });
  });

  it('firewall-blocked names the rule or the policy that drops UDP 44880', () => {
    const d = run({ nft: 'nft.json' }, [up()]);
    expect(verdictOf(d)).toBe('firewall-blocked');
    expect(d.peers[0]?.details.firewall).toMatchObject({ known: true, verdict: 'drop', policyChain: 'ip raw out' });
  });

  it('healthy needs every check to pass and no warning in the 15 min window', () => {
    const healthy = run({}, [up(), warn('2025-11-30T19:20:00Z')]);
    expect(verdictOf(healthy)).toBe('healthy');
    expect(healthy.peers[0]).toMatchObject({ warnings: 0, lastWarningAt: '2025-11-30T19:20:00.000Z' });
    expect(healthy.peers[0]?.details.route).toMatchObject({ ok: true, table: 'main', dev: 'doublezero0' });
    const recent = run({}, [up(), warn('2025-11-30T19:30:00Z')]);
    expect(recent.peers[0]).toMatchObject({ verdict: 'unknown', warnings: 1 });
    expect(diagnose(normalizeBundle(bundleFromTestdata(baseFiles, { journal: up() })), { windowMs: 60_000 }).peers[0]?.verdict).toBe('firewall-blocked');
  });

  it('unknown (poll stale or failed) wins over everything', () => {
    const state = normalizeBundle(bundleFromTestdata({ ...baseFiles, ...everythingWrong }, { journal: warn('2025-11-30T19:36:22Z') }));
    const freshness = pollFreshness({ state: 'error', lastSuccessAt: '2025-11-30T19:40:00Z', lastError: 'connect ETIMEDOUT' }, new Date('2025-11-30T19:41:00Z'));
    const d = diagnose(state, { freshness });
    expect(d.nodeUnknown).toBe('last poll failed: connect ETIMEDOUT');
    expect(d.peers[0]).toMatchObject({ verdict: 'unknown', warnings: 1 });
    expect(d.peers[0]?.details.poll).toEqual({ state: 'error', lastSuccessAt: '2025-11-30T19:40:00Z', ageSeconds: 60, error: 'last poll failed: connect ETIMEDOUT' });
    expect(d.worst).toBe('unknown');
  });

  it('counts warnings from earlier polls, deduplicated', () => {
    const state = normalizeBundle(bundleFromTestdata({ ...baseFiles, nft: 'nft-empty.json' }, { journal: warn('2025-11-30T19:36:22Z') }));
    const d = diagnose(state, { earlierEvents: [...state.events, { ...state.events[0]!, at: '2025-11-30T19:36:17.000Z', dedupeKey: 'earlier' }] });
    expect(d.peers[0]?.warnings).toBe(2);
  });
});

describe('diagnose peers', () => {
  it('gives exactly one verdict per peer, the worst of its sessions, listing the others', () => {
    const d = run({}, [up(), warn('2025-11-30T19:36:22Z', '216.238.110.55', '203.0.113.77'), up('198.51.100.9')]);
    expect(d.peers.map((p) => [p.peer, p.verdict])).toEqual([
      ['216.238.110.55', 'stale-session'],
      ['198.51.100.9', 'healthy'],
    ]);
    expect(d.peers[0]?.details.otherSessions).toEqual([{ interface: 'doublezero0', localIP: '209.245.225.161', verdict: 'healthy' }]);
    expect(d.worst).toBe('stale-session');
    expect(d.warningsInWindow).toBe(1);
  });

  it('takes peers from the daemon session list even before they log', () => {
    const sessions = JSON.stringify([{ network: 'mainnet-beta', local_ip: '203.0.113.77', peer_ip: '216.238.110.55', liveness_state: 'Down', liveness_state_reason: 'timeout', kernel_state: 'absent' }]);
    const d = run({}, [], { 'daemon-routes': sessions });
    expect(d.peers[0]).toMatchObject({ peer: '216.238.110.55', localIP: '203.0.113.77', verdict: 'stale-session', warnings: 0 });
    expect(d.peers[0]?.details.daemonSession).toEqual({ livenessState: 'Down', livenessStateReason: 'timeout', kernelState: 'absent' });
  });

  it('drops a session that warned and then fell silent while still failing: gone (e.g. daemon restarted)', () => {
    const gone = run({ 'ip-addr': 'ip-addr-after-del.json' }, [warn('2025-11-30T19:10:00Z')]);
    expect(gone.peers).toEqual([]);
    // the same session still warning inside the window is the seed's stale session
    expect(verdictOf(run({ 'ip-addr': 'ip-addr-after-del.json' }, [warn('2025-11-30T19:10:00Z'), warn('2025-11-30T19:39:55Z')]))).toBe('stale-session');
  });

  it('keeps a quiet session whose last word was `session up`, and drops one that ended', () => {
    const upLongAgo = JSON.stringify({ time: '2025-11-30T16:00:00Z', level: 'INFO', msg: 'liveness: session up', peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55' });
    expect(verdictOf(run({ 'ip-link': 'ip-link-down.json' }, [upLongAgo]))).toBe('interface-down');
    const down = JSON.stringify({ time: '2025-11-30T17:00:00Z', level: 'INFO', msg: 'liveness: session down', reason: 'timeout', peer: 'interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55' });
    expect(run({}, [upLongAgo, down]).peers).toEqual([]);
  });

  it('says when doublezerod itself is not active', () => {
    const d = run({ 'ip-route': 'ip-route-after-del.json' }, [up()], { systemctl: 'inactive\n' });
    expect(d.peers[0]?.verdict).toBe('no-route');
    expect(d.peers[0]?.evidence).toContain('doublezerod is inactive (systemctl is-active)');
    expect(run({}, [up()], { systemctl: 'active\n' }).peers[0]?.evidence.join('\n')).not.toContain('systemctl');
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
    expect(pollFreshness({ state: 'ok', lastSuccessAt: '2025-11-30T19:44:00Z' }, now)).toMatchObject({ fresh: true, reason: null, ageSeconds: 60 });
    expect(pollFreshness({ state: 'ok', lastSuccessAt: '2025-11-30T19:30:00Z' }, now)).toMatchObject({ fresh: false, reason: 'last successful poll 900 s ago' });
    expect(pollFreshness({ state: 'pending', lastSuccessAt: null }, now)).toMatchObject({ fresh: false, reason: 'never polled successfully' });
    expect(pollFreshness({ state: 'host-key-changed', lastSuccessAt: '2025-11-30T19:44:59Z' }, now).fresh).toBe(false);
  });
});
