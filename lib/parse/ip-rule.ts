import { z } from 'zod';
import { parsePrefix, type Prefix } from '../route/ip';
import type { Parsed } from './issues';
import { parseJsonRecords } from './json-records';
import { normalizeTable } from './table-name';

export interface PortRange {
  from: number;
  to: number;
}

export type RuleAction = 'lookup' | 'unreachable' | 'prohibit' | 'blackhole' | 'goto' | 'nop';

/** One policy routing rule from `ip -j rule show`. */
export interface Rule {
  priority: number;
  /** `not`: the rule applies when its selectors do NOT match */
  not: boolean;
  src?: Prefix;
  dst?: Prefix;
  iif?: string;
  oif?: string;
  fwmark?: number;
  fwmask?: number;
  action: RuleAction;
  /** the table of a lookup rule, normalized (main, local, default, or the number as text) */
  table?: string;
  /** target priority of a goto rule */
  goto?: number;
  /** `suppress_prefixlength N`: ignore a lookup result whose prefix is N bits or shorter */
  suppressPrefixlen?: number;
  /** `ipproto udp` */
  ipproto?: string;
  sport?: PortRange;
  dport?: PortRange;
  /** `tos 0x10` as printed */
  tos?: string;
  /** selectors present that the route lookup does not evaluate (uid range, l3mdev, ...) */
  otherSelectors: string[];
  raw: Record<string, unknown>;
}

const hexOrNumber = z.union([z.number().int().nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/)]);

const ruleRecordSchema = z.looseObject({
  priority: z.number().int().nonnegative(),
  src: z.string().optional(),
  srclen: z.number().int().optional(),
  dst: z.string().optional(),
  dstlen: z.number().int().optional(),
  iif: z.string().optional(),
  oif: z.string().optional(),
  fwmark: hexOrNumber.optional(),
  fwmask: hexOrNumber.optional(),
  table: z.union([z.string(), z.number()]).optional(),
  action: z.string().optional(),
  goto: z.number().int().optional(),
  suppress_prefixlen: z.number().int().optional(),
  ipproto: z.union([z.string(), z.number()]).optional(),
  tos: z.union([z.string(), z.number()]).optional(),
  sport: z.number().int().optional(),
  sport_start: z.number().int().optional(),
  sport_end: z.number().int().optional(),
  dport: z.number().int().optional(),
  dport_start: z.number().int().optional(),
  dport_end: z.number().int().optional(),
});

function portRange(single: number | undefined, start: number | undefined, end: number | undefined): PortRange | undefined {
  if (single !== undefined) return { from: single, to: single };
  if (start !== undefined && end !== undefined) return { from: start, to: end };
  return undefined;
}

const KNOWN_KEYS = new Set([
  'priority',
  'src',
  'srclen',
  'dst',
  'dstlen',
  'iif',
  'oif',
  'fwmark',
  'fwmask',
  'table',
  'action',
  'goto',
  'suppress_prefixlen',
  'not',
  'flags',
  'protocol',
  'iif_detached',
  'oif_detached',
  'suppress_ifgroup',
  'ipproto',
  'tos',
  'sport',
  'sport_start',
  'sport_end',
  'dport',
  'dport_start',
  'dport_end',
]);

const ACTIONS: Record<string, RuleAction> = { unreachable: 'unreachable', prohibit: 'prohibit', blackhole: 'blackhole', nop: 'nop', goto: 'goto' };

const toNumber = (v: string | number): number => (typeof v === 'number' ? v : Number(v));

function selectorPrefix(addr: string | undefined, len: number | undefined): Prefix | undefined | null {
  if (addr === undefined || addr === 'all') return undefined;
  const prefix = parsePrefix(len === undefined ? addr : `${addr}/${len}`);
  return prefix ?? null;
}

export function parseIpRule(text: string): Parsed<Rule> {
  const { items, issues } = parseJsonRecords(text, ruleRecordSchema, 'ip rule');
  const rules: Rule[] = [];
  items.forEach((record, index) => {
    const src = selectorPrefix(record.src, record.srclen);
    const dst = selectorPrefix(record.dst, record.dstlen);
    if (src === null || dst === null) {
      issues.push({ at: index, message: `ip rule record ${index}: unreadable src/dst` });
      return;
    }
    const action: RuleAction = record.goto !== undefined ? 'goto' : record.action ? (ACTIONS[record.action] ?? 'nop') : 'lookup';
    if (record.action && !ACTIONS[record.action]) issues.push({ at: index, message: `ip rule record ${index}: unknown action ${record.action.slice(0, 20)}` });
    const rule: Rule = {
      priority: record.priority,
      // iproute2 prints `"not": null` for an inverted rule
      not: 'not' in record,
      action,
      otherSelectors: Object.keys(record).filter((k) => !KNOWN_KEYS.has(k)),
      raw: record,
    };
    if (src) rule.src = src;
    if (dst) rule.dst = dst;
    if (record.iif !== undefined) rule.iif = record.iif;
    if (record.oif !== undefined) rule.oif = record.oif;
    if (record.fwmark !== undefined) rule.fwmark = toNumber(record.fwmark);
    if (record.fwmask !== undefined) rule.fwmask = toNumber(record.fwmask);
    if (action === 'lookup') rule.table = normalizeTable(record.table, 'main');
    if (record.goto !== undefined) rule.goto = record.goto;
    if (record.suppress_prefixlen !== undefined) rule.suppressPrefixlen = record.suppress_prefixlen;
    if (record.ipproto !== undefined) rule.ipproto = String(record.ipproto);
    if (record.tos !== undefined) rule.tos = String(record.tos);
    const sport = portRange(record.sport, record.sport_start, record.sport_end);
    if (sport) rule.sport = sport;
    const dport = portRange(record.dport, record.dport_start, record.dport_end);
    if (dport) rule.dport = dport;
    rules.push(rule);
  });
  rules.sort((a, b) => a.priority - b.priority);
  return { items: rules, issues };
}

/** The rule as `ip rule` would print it, for evidence text. */
export function formatRule(rule: Rule): string {
  const parts = [`${rule.priority}:`];
  if (rule.not) parts.push('not');
  parts.push('from', rule.src ? `${rule.src.addr}/${rule.src.len}` : 'all');
  if (rule.dst) parts.push('to', `${rule.dst.addr}/${rule.dst.len}`);
  if (rule.fwmark !== undefined) parts.push('fwmark', `0x${rule.fwmark.toString(16)}${rule.fwmask !== undefined ? `/0x${rule.fwmask.toString(16)}` : ''}`);
  if (rule.tos) parts.push('tos', rule.tos);
  if (rule.ipproto) parts.push('ipproto', rule.ipproto);
  if (rule.sport) parts.push('sport', rule.sport.from === rule.sport.to ? String(rule.sport.from) : `${rule.sport.from}-${rule.sport.to}`);
  if (rule.dport) parts.push('dport', rule.dport.from === rule.dport.to ? String(rule.dport.from) : `${rule.dport.from}-${rule.dport.to}`);
  if (rule.iif) parts.push('iif', rule.iif);
  if (rule.oif) parts.push('oif', rule.oif);
  if (rule.action === 'lookup') parts.push('lookup', rule.table ?? 'main');
  else if (rule.action === 'goto') parts.push('goto', String(rule.goto));
  else parts.push(rule.action);
  if (rule.suppressPrefixlen !== undefined) parts.push('suppress_prefixlength', String(rule.suppressPrefixlen));
  if (rule.otherSelectors.length) parts.push(`(+${rule.otherSelectors.join(',')})`);
  return parts.join(' ');
}
