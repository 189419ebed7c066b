import type { AddressState, NodeState } from '../model/node-state';
import { parseIp } from '../route/ip';
import { lookupRoute } from '../route/lookup';
import { evaluateOutput } from './firewall';
import type { SessionKey } from './sessions';
import type { StructuredEvidence, Verdict } from './types';

export const LIVENESS_PORT = 44880;

/** What the node's state says about one session right now: a cause (verdict + proof), or none. */
export interface CauseCheck {
  cause: Exclude<Verdict, 'unknown' | 'recovering' | 'healthy'> | null;
  evidence: string[];
  /** the checks that passed, for a healthy or recovering session's evidence */
  passed: string[];
  details: Omit<StructuredEvidence, 'warnings'>;
}

const cidr = (a: AddressState): string => `${a.local}/${a.prefixlen}`;

export function linkIsUp(link: { up: boolean; lowerUp: boolean; operstate: string }): boolean {
  return link.up && link.lowerUp && link.operstate !== 'DOWN' && link.operstate !== 'LOWERLAYERDOWN' && link.operstate !== 'NOTPRESENT';
}

/**
 * The checks of DESIGN.md "Verdicts" in precedence order, against the state now. `unassignedSource`:
 * for a session whose local IP the log does not give (daemons before v0.7.1), whether its send errors
 * say the source is not assigned (ENETUNREACH on a pinned send with the interface up, internal/liveness/udp.go).
 */
export function checkCause(state: NodeState, key: SessionKey, unassignedSource = false): CauseCheck {
  const details: CauseCheck['details'] = {};
  const found = (cause: NonNullable<CauseCheck['cause']>, evidence: string[]): CauseCheck => ({ cause, evidence, passed: [], details });

  const link = state.links.find((l) => l.ifname === key.interface);
  if (!link) {
    details.link = { ifname: key.interface, present: false };
    return found('interface-missing', [`interface ${key.interface} does not exist (links: ${state.links.map((l) => l.ifname).join(', ') || 'none'})`]);
  }
  details.link = { ifname: link.ifname, present: true, up: link.up, lowerUp: link.lowerUp, operstate: link.operstate, flags: link.flags };
  if (!linkIsUp(link)) return found('interface-down', [`${link.ifname} is not up: flags ${link.flags.join(',') || '-'}, operstate ${link.operstate}`]);

  const onInterface = state.addresses.filter((a) => a.ifname === key.interface);
  details.interfaceAddresses = onInterface.map(cidr);
  if (key.localIP) {
    const assigned = state.addresses.find((a) => a.local === key.localIP && !a.dadfailed);
    if (!assigned) {
      details.missingAddress = key.localIP;
      return found('stale-session', [
        `session localIP ${key.localIP} is not assigned to ${key.interface} or any other interface; ${key.interface} has ${onInterface.map(cidr).join(', ') || 'no address'}`,
      ]);
    }
  }

  const local = key.localIP ? parseIp(key.localIP) : undefined;
  const lookup = lookupRoute(state.routes, state.rules, {
    dst: key.peer,
    ...(local ? { src: key.localIP } : {}),
    oif: key.interface,
    ipproto: 'udp',
    sport: LIVENESS_PORT,
    dport: LIVENESS_PORT,
  });
  if (!lookup.ok) {
    details.route = {
      ok: false,
      failure: lookup.failure,
      steps: lookup.steps,
      ...(lookup.route ? { route: lookup.route.text } : {}),
      ...(lookup.rule ? { rule: lookup.rule.text } : {}),
    };
    const cause = lookup.route
      ? `${lookup.failure} route "${lookup.route.text}"`
      : lookup.rule && lookup.failure !== 'no-route'
        ? `rule "${lookup.rule.text}"`
        : 'no matching route in the tables the rules use';
    return found('no-route', [`no route to ${key.peer} through ${key.interface}: ${cause}`]);
  }
  details.route = {
    ok: true,
    route: lookup.route.text,
    table: lookup.table,
    rule: lookup.rule.text,
    steps: lookup.steps,
    ...(lookup.dev ? { dev: lookup.dev } : {}),
  };
  const routeText = `route to ${key.peer}: ${lookup.route.text} (table ${lookup.table}, rule ${lookup.rule.priority})`;

  // With the interface up and a route, ENETUNREACH on a pinned send can only mean an unassigned source.
  if (!key.localIP && unassignedSource) {
    return found('stale-session', [
      `sends to ${key.peer} fail with "network is unreachable" although ${key.interface} is up and routes it: the session's source address is not assigned (this daemon version does not log which: client < v0.7.1); ${key.interface} has ${onInterface.map(cidr).join(', ') || 'no address'}`,
      routeText,
    ]);
  }

  if (!state.firewall) {
    details.firewall = { known: false };
  } else {
    const outcome = evaluateOutput(state.firewall, {
      saddr: key.localIP || '0.0.0.0',
      daddr: key.peer,
      sport: LIVENESS_PORT,
      dport: LIVENESS_PORT,
      oifname: key.interface,
    });
    const undecidedRules = outcome.undecided.map((r) => `${r.family} ${r.table} ${r.chain} handle ${r.handle ?? '?'}: ${r.text}`);
    if (outcome.verdict !== 'accept') {
      if ('rule' in outcome) {
        const r = outcome.rule;
        details.firewall = {
          known: true,
          verdict: outcome.verdict,
          rule: { family: r.family, table: r.table, chain: r.chain, handle: r.handle ?? null, text: r.text },
          undecidedRules,
        };
        return found('firewall-blocked', [
          `nft ${r.family} ${r.table} ${r.chain} handle ${r.handle ?? '?'} ${outcome.verdict}s UDP ${LIVENESS_PORT} to ${key.peer}: ${r.text}`,
          routeText,
        ]);
      }
      const chain = outcome.policyChain;
      details.firewall = { known: true, verdict: 'drop', policyChain: `${chain.family} ${chain.table} ${chain.name}`, undecidedRules };
      return found('firewall-blocked', [
        `nft ${chain.family} ${chain.table} ${chain.name} (hook output) has policy drop and no rule accepts UDP ${LIVENESS_PORT} to ${key.peer}`,
        routeText,
      ]);
    }
    details.firewall = { known: true, verdict: 'accept', undecidedRules };
  }
  const firewallText = !state.firewall ? 'nft ruleset not collected: firewall not checked' : `no nft output rule drops UDP ${LIVENESS_PORT} to ${key.peer}`;
  return {
    cause: null,
    evidence: [],
    passed: [
      `${link.ifname} up, localIP ${key.localIP || '(not logged by this daemon version)'} ${key.localIP ? 'assigned' : ''}`.trim(),
      routeText,
      firewallText,
    ],
    details,
  };
}
