import type { FirewallState } from '../model/node-state';
import type { FirewallChain, FirewallMatch, FirewallRule, MatchValue } from '../parse/nft';
import { parseIp, parsePrefix, prefixContains, type ParsedIp } from '../route/ip';

/** The packet a liveness session sends: UDP from localIP:44880 to peerIP:44880 out of its interface. */
export interface OutputPacket {
  saddr: string;
  daddr: string;
  sport: number;
  dport: number;
  oifname: string;
}

export type FirewallOutcome =
  | { verdict: 'accept'; undecided: FirewallRule[] }
  | { verdict: 'drop' | 'reject'; rule: FirewallRule; undecided: FirewallRule[] }
  | { verdict: 'drop'; policyChain: FirewallChain; undecided: FirewallRule[] };

const MAX_DEPTH = 16;

type MatchResult = 'yes' | 'no' | 'undecided';
type ChainResult = { kind: 'terminal'; verdict: 'accept' | 'drop' | 'reject'; rule: FirewallRule } | { kind: 'fallthrough' };

/**
 * Walks the nft output-hook base chains (by priority) for the packet, following jump/goto/return, and
 * says whether it leaves the node. A rule with a match this evaluator cannot decide (uid, marks, ...) is
 * assumed not to match and is listed in `undecided`, so a verdict is never invented from it.
 */
export function evaluateOutput(firewall: FirewallState, packet: OutputPacket): FirewallOutcome {
  const undecided: FirewallRule[] = [];
  const daddr = parseIp(packet.daddr);
  const saddr = parseIp(packet.saddr);
  if (!daddr) return { verdict: 'accept', undecided };
  const families = daddr.family === 'inet' ? ['inet', 'ip'] : ['inet', 'ip6'];
  const ctx: Ctx = { firewall, packet, daddr, saddr, undecided };
  const baseChains = firewall.chains.filter((c) => c.hook === 'output' && families.includes(c.family)).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  for (const chain of baseChains) {
    const result = runChain(ctx, chain.family, chain.table, chain.name, 0);
    if (result.kind === 'terminal') {
      if (result.verdict !== 'accept') return { verdict: result.verdict, rule: result.rule, undecided };
      continue;
    }
    if (chain.policy === 'drop') return { verdict: 'drop', policyChain: chain, undecided };
  }
  return { verdict: 'accept', undecided };
}

interface Ctx {
  firewall: FirewallState;
  packet: OutputPacket;
  daddr: ParsedIp;
  saddr: ParsedIp | undefined;
  undecided: FirewallRule[];
}

function runChain(ctx: Ctx, family: string, table: string, name: string, depth: number): ChainResult {
  // Stryker disable next-line ObjectLiteral,StringLiteral: every result but kind 'terminal' is a fallthrough
  if (depth > MAX_DEPTH) return { kind: 'fallthrough' };
  const rules = ctx.firewall.rules.filter((r) => r.family === family && r.table === table && r.chain === name);
  for (const rule of rules) {
    const matched = ruleMatches(ctx, rule);
    if (matched === 'undecided') {
      if (rule.verdict && rule.verdict !== 'continue' && !ctx.undecided.includes(rule)) ctx.undecided.push(rule);
      continue;
    }
    if (matched === 'no') continue;
    switch (rule.verdict) {
      case 'accept':
      case 'drop':
      case 'reject':
        return { kind: 'terminal', verdict: rule.verdict, rule };
      case 'queue':
        // handed to userspace: whatever it decides is not visible here
        if (!ctx.undecided.includes(rule)) ctx.undecided.push(rule);
        continue;
      case 'jump': {
        // Stryker disable next-line ObjectLiteral,StringLiteral: every result but kind 'terminal' is a fallthrough
        const sub = rule.target ? runChain(ctx, family, table, rule.target, depth + 1) : { kind: 'fallthrough' as const };
        if (sub.kind === 'terminal') return sub;
        continue;
      }
      case 'goto':
        // Stryker disable next-line ObjectLiteral,StringLiteral: every result but kind 'terminal' is a fallthrough
        return rule.target ? runChain(ctx, family, table, rule.target, depth + 1) : { kind: 'fallthrough' };
      case 'return':
        // Stryker disable next-line ObjectLiteral,StringLiteral: every result but kind 'terminal' is a fallthrough
        return { kind: 'fallthrough' };
      // Stryker disable next-line ConditionalExpression: without the label the switch ends and the loop goes on all the same
      default:
        continue;
    }
  }
  // Stryker disable next-line ObjectLiteral,StringLiteral: every result but kind 'terminal' is a fallthrough
  return { kind: 'fallthrough' };
}

function ruleMatches(ctx: Ctx, rule: FirewallRule): MatchResult {
  if (rule.unreadable.length) return 'undecided';
  // Stryker disable next-line StringLiteral: runChain takes anything but 'no' and 'undecided' as a match
  let result: MatchResult = 'yes';
  for (const m of rule.matches) {
    const r = matchOne(ctx, m);
    if (r === 'no') return 'no';
    if (r === 'undecided') result = 'undecided';
  }
  return result;
}

type Subject = { kind: 'ip'; ip: ParsedIp } | { kind: 'port'; port: number } | { kind: 'word'; words: string[] } | { kind: 'absent' };

function subjectOf(ctx: Ctx, field: string): Subject | undefined {
  const v4 = ctx.daddr.family === 'inet';
  switch (field) {
    case 'udp dport':
    case 'th dport':
      return { kind: 'port', port: ctx.packet.dport };
    case 'udp sport':
    case 'th sport':
      return { kind: 'port', port: ctx.packet.sport };
    case 'tcp dport':
    case 'tcp sport':
    case 'sctp dport':
    case 'sctp sport':
      // a UDP packet never has these headers: the match fails
      return { kind: 'absent' };
    case 'ip daddr':
      return v4 ? { kind: 'ip', ip: ctx.daddr } : { kind: 'absent' };
    case 'ip6 daddr':
      return v4 ? { kind: 'absent' } : { kind: 'ip', ip: ctx.daddr };
    case 'ip saddr':
    case 'ip6 saddr': {
      const wanted = field === 'ip saddr' ? 'inet' : 'inet6';
      if (ctx.daddr.family !== wanted) return { kind: 'absent' };
      return ctx.saddr ? { kind: 'ip', ip: ctx.saddr } : undefined;
    }
    case 'meta l4proto':
    case 'ip protocol':
    case 'ip6 nexthdr':
      return { kind: 'word', words: ['udp', '17'] };
    case 'meta oifname':
    case 'meta oif':
      return { kind: 'word', words: [ctx.packet.oifname] };
    case 'meta nfproto':
      return { kind: 'word', words: [v4 ? 'ipv4' : 'ipv6'] };
    case 'ct state':
      // liveness packets that are being dropped never see a reply: the flow stays new
      return { kind: 'word', words: ['new'] };
    // Stryker disable next-line ConditionalExpression: without the label the function returns undefined all the same
    default:
      return undefined;
  }
}

function matchOne(ctx: Ctx, m: FirewallMatch): MatchResult {
  const subject = subjectOf(ctx, m.field);
  if (!subject) return 'undecided';
  const negate = m.op === '!=';
  if (!negate && m.op !== '==' && m.op !== 'in') return 'undecided';
  if (subject.kind === 'absent') return 'no';
  let any = false;
  for (const value of m.values) {
    const r = valueMatches(subject, value);
    if (r === 'undecided') return 'undecided';
    if (r) any = true;
  }
  return any !== negate ? 'yes' : 'no';
}

function valueMatches(subject: Exclude<Subject, { kind: 'absent' }>, value: MatchValue): boolean | 'undecided' {
  if (value.kind === 'unknown') return 'undecided';
  switch (subject.kind) {
    case 'port':
      if (value.kind === 'value') return Number(value.value) === subject.port;
      if (value.kind === 'range') return subject.port >= Number(value.from) && subject.port <= Number(value.to);
      return 'undecided';
    case 'ip': {
      if (value.kind === 'value') {
        const ip = parseIp(String(value.value));
        return ip ? ip.family === subject.ip.family && ip.value === subject.ip.value : 'undecided';
      }
      if (value.kind === 'prefix') {
        const prefix = parsePrefix(`${value.addr}/${value.len}`);
        return prefix ? prefixContains(prefix, subject.ip) : 'undecided';
      }
      const from = parseIp(String(value.from));
      const to = parseIp(String(value.to));
      if (!from || !to) return 'undecided';
      return from.family === subject.ip.family && subject.ip.value >= from.value && subject.ip.value <= to.value;
    }
    case 'word': {
      if (value.kind !== 'value') return 'undecided';
      const text = String(value.value);
      // interface name wildcards: "doublezero*"
      if (text.endsWith('*')) return subject.words.some((w) => w.startsWith(text.slice(0, -1)));
      return subject.words.includes(text);
    }
  }
}
