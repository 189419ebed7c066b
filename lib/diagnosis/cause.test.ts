import { describe, expect, it } from 'vitest';
import type { FirewallState } from '../model/node-state';
import { checkCause, linkIsUp } from './cause';
import { LOCAL_IP, PEER, address, bgpRoute, link, mainRule, nodeState } from './testing';

const session = { interface: 'doublezero0', localIP: LOCAL_IP, peer: PEER };
const dropToPeer: FirewallState = {
  chains: [{ family: 'inet', table: 'filter', name: 'output', hook: 'output', priority: 0, policy: 'accept' }],
  rules: [
    {
      family: 'inet',
      table: 'filter',
      chain: 'output',
      handle: 4,
      matches: [{ field: 'ip daddr', op: '==', values: [{ kind: 'value', value: PEER }], fromSet: false }],
      verdict: 'drop',
      unreadable: [],
      text: `ip daddr ${PEER} drop`,
    },
  ],
};

describe('linkIsUp', () => {
  it.each([
    [{ up: true, lowerUp: true, operstate: 'UP' }, true],
    [{ up: true, lowerUp: true, operstate: 'UNKNOWN' }, true],
    [{ up: true, lowerUp: true, operstate: 'DORMANT' }, true],
    [{ up: false, lowerUp: true, operstate: 'UNKNOWN' }, false],
    [{ up: true, lowerUp: false, operstate: 'UNKNOWN' }, false],
    [{ up: true, lowerUp: true, operstate: 'DOWN' }, false],
    [{ up: true, lowerUp: true, operstate: 'LOWERLAYERDOWN' }, false],
    [{ up: true, lowerUp: true, operstate: 'NOTPRESENT' }, false],
  ])('%o is up: %s', (l, expected) => {
    expect(linkIsUp(l)).toBe(expected);
  });
});

describe('checkCause: the first cause in precedence order', () => {
  it('finds a missing interface and lists the links there are', () => {
    expect(checkCause(nodeState(), { ...session, interface: 'doublezero1' })).toEqual({
      cause: 'interface-missing',
      evidence: ['interface doublezero1 does not exist (links: lo, doublezero0)'],
      passed: [],
      details: { link: { ifname: 'doublezero1', present: false } },
    });
    expect(checkCause(nodeState({ links: [] }), session).evidence).toEqual(['interface doublezero0 does not exist (links: none)']);
  });

  it('finds the interface down, with its flags and operstate', () => {
    const down = checkCause(
      nodeState({ links: [link('doublezero0', { up: false, lowerUp: false, operstate: 'DOWN', flags: ['POINTOPOINT', 'NOARP'] })] }),
      session,
    );
    expect(down.cause).toBe('interface-down');
    expect(down.evidence).toEqual(['doublezero0 is not up: flags POINTOPOINT,NOARP, operstate DOWN']);
    expect(down.details.link).toEqual({ ifname: 'doublezero0', present: true, up: false, lowerUp: false, operstate: 'DOWN', flags: ['POINTOPOINT', 'NOARP'] });
    const noFlags = checkCause(nodeState({ links: [link('doublezero0', { up: false, flags: [] })] }), session);
    expect(noFlags.evidence).toEqual(['doublezero0 is not up: flags -, operstate UNKNOWN']);
  });

  it('finds the local IP unassigned (the seed), and lists what the interface has', () => {
    const stale = checkCause(nodeState({ addresses: [address('doublezero0', '169.254.0.3', 31)] }), session);
    expect(stale.cause).toBe('stale-session');
    expect(stale.evidence).toEqual([`session localIP ${LOCAL_IP} is not assigned to doublezero0 or any other interface; doublezero0 has 169.254.0.3/31`]);
    expect(stale.details).toMatchObject({ missingAddress: LOCAL_IP, interfaceAddresses: ['169.254.0.3/31'] });
    expect(checkCause(nodeState({ addresses: [] }), session).evidence[0]).toContain('doublezero0 has no address');
  });

  it('takes the local IP as assigned on any interface, but not while its duplicate detection failed', () => {
    expect(checkCause(nodeState({ addresses: [address('lo', LOCAL_IP)] }), session).cause).toBeNull();
    expect(checkCause(nodeState({ addresses: [address('doublezero0', LOCAL_IP, 32, { dadfailed: true })] }), session).cause).toBe('stale-session');
  });

  it('finds no route, naming the route or rule that refused it', () => {
    expect(checkCause(nodeState({ routes: [] }), session)).toMatchObject({
      cause: 'no-route',
      evidence: [`no route to ${PEER} through doublezero0: no matching route in the tables the rules use`],
      details: { route: { ok: false, failure: 'no-route' } },
    });
    const unreachable = checkCause(nodeState({ routes: [bgpRoute(PEER, { type: 'unreachable', dev: undefined, text: `unreachable ${PEER}` })] }), session);
    expect(unreachable.evidence).toEqual([`no route to ${PEER} through doublezero0: unreachable route "unreachable ${PEER}"`]);
    expect(unreachable.details.route).toMatchObject({ ok: false, failure: 'unreachable', route: `unreachable ${PEER}`, rule: '32766: from all lookup main' });
    const prohibitRule = { ...mainRule, priority: 10, action: 'prohibit' as const, table: undefined, text: '10: from all prohibit' };
    const byRule = checkCause(nodeState({ rules: [prohibitRule, mainRule] }), session);
    expect(byRule.evidence).toEqual([`no route to ${PEER} through doublezero0: rule "10: from all prohibit"`]);
    expect(byRule.details.route).toEqual({ ok: false, failure: 'prohibit', steps: ['rule 10: prohibit'], rule: '10: from all prohibit' });
  });

  it('looks the route up as the daemon sends: from the local IP, pinned to the interface, UDP 44880 both ways', () => {
    const onlyFromLocal = {
      ...mainRule,
      priority: 10,
      table: '7',
      src: { family: 'inet' as const, addr: LOCAL_IP, len: 32 },
      ipproto: 'udp',
      sport: { from: 44880, to: 44880 },
      dport: { from: 44880, to: 44880 },
      text: '10: liveness',
    };
    const state = nodeState({
      rules: [onlyFromLocal, mainRule],
      routes: [bgpRoute(PEER, { table: '7', text: 'in seven' }), bgpRoute(PEER, { dev: 'eth0', text: 'via eth0' })],
    });
    expect(checkCause(state, session).details.route).toMatchObject({ ok: true, table: '7', route: 'in seven', dev: 'doublezero0' });
    // a session without a logged local IP has no source to select on
    expect(checkCause(state, { ...session, localIP: '' }).cause).toBe('no-route');
  });

  it('on a daemon that does not log the local IP, takes ENETUNREACH with the interface up and a route as an unassigned source', () => {
    const state = nodeState();
    const old = { ...session, localIP: '' };
    const stale = checkCause(state, old, true);
    expect(stale.cause).toBe('stale-session');
    expect(stale.evidence[0]).toBe(
      `sends to ${PEER} fail with "network is unreachable" although doublezero0 is up and routes it: the session's source address is not assigned (this daemon version does not log which: client < v0.7.1); doublezero0 has 169.254.0.3/31, ${LOCAL_IP}/32`,
    );
    expect(stale.evidence[1]).toBe(`route to ${PEER}: default via 169.254.0.2 dev doublezero0 (table main, rule 32766)`);
    expect(checkCause(state, old, false).cause).toBeNull();
    // with a logged local IP the address itself is checked, not the error
    expect(checkCause(state, session, true).cause).toBeNull();
    expect(checkCause(nodeState({ addresses: [] }), old, true).evidence[0]).toContain('doublezero0 has no address');
  });

  it('finds the firewall rule that drops the packet, or the policy', () => {
    const blocked = checkCause(nodeState({ firewall: dropToPeer }), session);
    expect(blocked.cause).toBe('firewall-blocked');
    expect(blocked.evidence).toEqual([
      `nft inet filter output handle 4 drops UDP 44880 to ${PEER}: ip daddr ${PEER} drop`,
      `route to ${PEER}: default via 169.254.0.2 dev doublezero0 (table main, rule 32766)`,
    ]);
    expect(blocked.details.firewall).toEqual({
      known: true,
      verdict: 'drop',
      rule: { family: 'inet', table: 'filter', chain: 'output', handle: 4, text: `ip daddr ${PEER} drop` },
      undecidedRules: [],
    });
    const noHandle: FirewallState = { chains: dropToPeer.chains, rules: [{ ...dropToPeer.rules[0]!, handle: undefined, verdict: 'reject' }] };
    const rejected = checkCause(nodeState({ firewall: noHandle }), session);
    expect(rejected.evidence[0]).toBe(`nft inet filter output handle ? rejects UDP 44880 to ${PEER}: ip daddr ${PEER} drop`);
    expect(rejected.details.firewall).toMatchObject({ verdict: 'reject', rule: { handle: null } });
    const policy: FirewallState = { chains: [{ family: 'ip', table: 'raw', name: 'out', hook: 'output', priority: -300, policy: 'drop' }], rules: [] };
    const byPolicy = checkCause(nodeState({ firewall: policy }), session);
    expect(byPolicy.evidence[0]).toBe(`nft ip raw out (hook output) has policy drop and no rule accepts UDP 44880 to ${PEER}`);
    expect(byPolicy.details.firewall).toEqual({ known: true, verdict: 'drop', policyChain: 'ip raw out', undecidedRules: [] });
  });

  it('evaluates the firewall with the source 0.0.0.0 when the daemon does not log it', () => {
    const fromLocal: FirewallState = {
      chains: dropToPeer.chains,
      rules: [{ ...dropToPeer.rules[0]!, matches: [{ field: 'ip saddr', op: '==', values: [{ kind: 'value', value: '0.0.0.0' }], fromSet: false }] }],
    };
    expect(checkCause(nodeState({ firewall: fromLocal }), { ...session, localIP: '' }).cause).toBe('firewall-blocked');
    expect(checkCause(nodeState({ firewall: fromLocal }), session).cause).toBeNull();
  });

  it('says what passed when no cause is found, firewall read or not', () => {
    expect(checkCause(nodeState(), session)).toMatchObject({
      cause: null,
      evidence: [],
      passed: [
        `doublezero0 up, localIP ${LOCAL_IP} assigned`,
        `route to ${PEER}: default via 169.254.0.2 dev doublezero0 (table main, rule 32766)`,
        'nft ruleset not collected: firewall not checked',
      ],
      details: {
        firewall: { known: false },
        route: { ok: true, table: 'main', dev: 'doublezero0', rule: '32766: from all lookup main', route: 'default via 169.254.0.2 dev doublezero0' },
      },
    });
    const undecided: FirewallState = {
      chains: dropToPeer.chains,
      rules: [{ ...dropToPeer.rules[0]!, matches: [{ field: 'meta skuid', op: '==', values: [{ kind: 'value', value: 0 }], fromSet: false }] }],
    };
    const read = checkCause(nodeState({ firewall: undecided }), { ...session, localIP: '' });
    expect(read.passed).toEqual([
      'doublezero0 up, localIP (not logged by this daemon version)',
      `route to ${PEER}: default via 169.254.0.2 dev doublezero0 (table main, rule 32766)`,
      `no nft output rule drops UDP 44880 to ${PEER}`,
    ]);
    expect(read.details.firewall).toEqual({ known: true, verdict: 'accept', undecidedRules: [`inet filter output handle 4: ip daddr ${PEER} drop`] });
    const noHandle = checkCause(nodeState({ firewall: { ...undecided, rules: [{ ...undecided.rules[0]!, handle: undefined }] } }), session);
    expect(noHandle.details.firewall).toMatchObject({ undecidedRules: [`inet filter output handle ?: ip daddr ${PEER} drop`] });
  });
});
