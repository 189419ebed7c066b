import { z } from 'zod';
import { clip, type ParseIssue } from './issues';
import { parseJsonText } from './json-records';

/** A value on the right of an nft match, normalized; named sets are resolved to their elements. */
export type MatchValue =
  | { kind: 'value'; value: string | number }
  | { kind: 'prefix'; addr: string; len: number }
  | { kind: 'range'; from: string | number; to: string | number }
  | { kind: 'unknown'; text: string };

export interface FirewallMatch {
  /** `udp dport`, `ip daddr`, `meta oifname`, `ct state`, ... or `?` for a left side we do not read */
  field: string;
  /** ==, !=, in, <, >, ... as nft prints it */
  op: string;
  /** any of these matches (a set or a flags list); one element for a plain value */
  values: MatchValue[];
  /** true when the right side came from a set (anonymous or named) */
  fromSet: boolean;
}

export type FirewallVerdict = 'accept' | 'drop' | 'reject' | 'jump' | 'goto' | 'return' | 'continue' | 'queue';

export interface FirewallChain {
  family: string;
  table: string;
  name: string;
  handle?: number;
  /** present on base chains: the netfilter hook (output, input, forward, prerouting, postrouting, ingress) */
  hook?: string;
  type?: string;
  priority?: number;
  /** base chains only: accept or drop */
  policy?: string;
}

export interface FirewallRule {
  family: string;
  table: string;
  chain: string;
  handle?: number;
  matches: FirewallMatch[];
  verdict?: FirewallVerdict;
  /** the chain a jump/goto goes to */
  target?: string;
  /** expressions that are neither a match we read nor a verdict nor a harmless statement */
  unreadable: string[];
  comment?: string;
  /** the rule in nft syntax, without counter values */
  text: string;
}

export interface FirewallRuleset {
  chains: FirewallChain[];
  rules: FirewallRule[];
}

export interface NftParseResult extends FirewallRuleset {
  issues: ParseIssue[];
}

const objectSchema = z.record(z.string(), z.unknown());
const rootSchema = z.object({ nftables: z.array(z.unknown()) });

const chainSchema = z.looseObject({
  family: z.string(),
  table: z.string(),
  name: z.string(),
  handle: z.number().int().optional(),
  hook: z.string().optional(),
  type: z.string().optional(),
  prio: z.number().int().optional(),
  policy: z.string().optional(),
});

const setSchema = z.looseObject({
  family: z.string(),
  table: z.string(),
  name: z.string(),
  elem: z.array(z.unknown()).optional(),
});

const ruleSchema = z.looseObject({
  family: z.string(),
  table: z.string(),
  chain: z.string(),
  handle: z.number().int().optional(),
  comment: z.string().optional(),
  expr: z.array(objectSchema).default([]),
});

const payloadSchema = z.object({ payload: z.object({ protocol: z.string(), field: z.string() }) });
const metaSchema = z.object({ meta: z.object({ key: z.string() }) });
const ctSchema = z.object({ ct: z.object({ key: z.string() }) });
const matchSchema = z.object({ op: z.string(), left: z.unknown(), right: z.unknown() });
const prefixSchema = z.object({ prefix: z.object({ addr: z.string(), len: z.number().int() }) });
const rangeSchema = z.object({ range: z.tuple([z.union([z.string(), z.number()]), z.union([z.string(), z.number()])]) });
const setValueSchema = z.object({ set: z.array(z.unknown()) });
const elemSchema = z.object({ elem: z.object({ val: z.unknown() }) });
const targetSchema = z.object({ target: z.string() });

// Statements that neither match nor decide: they never change whether a packet passes.
const HARMLESS = new Set(['counter', 'log', 'limit', 'notrack', 'mangle', 'quota', 'ct count', 'set']);
const VERDICTS = new Set<FirewallVerdict>(['accept', 'drop', 'reject', 'jump', 'goto', 'return', 'continue', 'queue']);

function leftField(left: unknown): string {
  const payload = payloadSchema.safeParse(left);
  if (payload.success) return `${payload.data.payload.protocol} ${payload.data.payload.field}`;
  const meta = metaSchema.safeParse(left);
  if (meta.success) return `meta ${meta.data.meta.key}`;
  const ct = ctSchema.safeParse(left);
  if (ct.success) return `ct ${ct.data.ct.key}`;
  return '?';
}

type NamedSets = Map<string, unknown[]>;

function readValues(right: unknown, sets: NamedSets, family: string, table: string): { values: MatchValue[]; fromSet: boolean } {
  if (typeof right === 'string' && right.startsWith('@')) {
    const elements = sets.get(`${family}/${table}/${right.slice(1)}`);
    if (!elements) return { values: [{ kind: 'unknown', text: right }], fromSet: true };
    return { values: elements.map(readValue), fromSet: true };
  }
  const set = setValueSchema.safeParse(right);
  if (set.success) return { values: set.data.set.map(readValue), fromSet: true };
  // flags such as `ct state established,related` come as a plain array
  if (Array.isArray(right)) return { values: right.map(readValue), fromSet: true };
  return { values: [readValue(right)], fromSet: false };
}

function readValue(value: unknown): MatchValue {
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'value', value };
  const elem = elemSchema.safeParse(value);
  if (elem.success) return readValue(elem.data.elem.val);
  const prefix = prefixSchema.safeParse(value);
  if (prefix.success) return { kind: 'prefix', ...prefix.data.prefix };
  const range = rangeSchema.safeParse(value);
  if (range.success) return { kind: 'range', from: range.data.range[0], to: range.data.range[1] };
  return { kind: 'unknown', text: clip(JSON.stringify(value) ?? 'undefined', 60) };
}

export function formatValue(v: MatchValue): string {
  switch (v.kind) {
    case 'value':
      return String(v.value);
    case 'prefix':
      return `${v.addr}/${v.len}`;
    case 'range':
      return `${v.from}-${v.to}`;
    case 'unknown':
      return v.text;
  }
}

function formatMatch(m: FirewallMatch, setName?: string): string {
  const right = setName ?? (m.fromSet ? `{ ${m.values.map(formatValue).join(', ')} }` : m.values.map(formatValue).join(', '));
  const op = m.op === '==' || m.op === 'in' ? '' : `${m.op} `;
  return `${m.field} ${op}${right}`;
}

function readRule(rule: z.infer<typeof ruleSchema>, sets: NamedSets): FirewallRule {
  const out: FirewallRule = { family: rule.family, table: rule.table, chain: rule.chain, matches: [], unreadable: [], text: '' };
  if (rule.handle !== undefined) out.handle = rule.handle;
  if (rule.comment !== undefined) out.comment = rule.comment;
  const words: string[] = [];
  for (const expr of rule.expr) {
    const [key, body] = Object.entries(expr)[0] ?? ['', undefined];
    if (key === 'match') {
      const m = matchSchema.safeParse(body);
      if (!m.success) {
        out.unreadable.push('match');
        words.push('?');
        continue;
      }
      const { values, fromSet } = readValues(m.data.right, sets, rule.family, rule.table);
      const match: FirewallMatch = { field: leftField(m.data.left), op: m.data.op, values, fromSet };
      if (match.field === '?') out.unreadable.push(clip(JSON.stringify(m.data.left) ?? '', 60));
      out.matches.push(match);
      const named = typeof m.data.right === 'string' && m.data.right.startsWith('@') ? m.data.right : undefined;
      words.push(formatMatch(match, named));
    } else if (VERDICTS.has(key as FirewallVerdict)) {
      out.verdict = key as FirewallVerdict;
      const target = targetSchema.safeParse(body);
      if (target.success) out.target = target.data.target;
      words.push(out.target ? `${key} ${out.target}` : key);
    } else if (HARMLESS.has(key)) {
      words.push(key);
    } else {
      out.unreadable.push(key);
      words.push(key);
    }
  }
  if (out.comment) words.push(`comment ${JSON.stringify(out.comment)}`);
  out.text = words.join(' ');
  return out;
}

/** Reads `nft -j list ruleset`. Never throws; an object it cannot read is reported and skipped. */
export function parseNft(text: string): NftParseResult {
  const result: NftParseResult = { chains: [], rules: [], issues: [] };
  const parsed = parseJsonText(text, 'nft');
  if (parsed.issue) return { ...result, issues: [parsed.issue] };
  const root = rootSchema.safeParse(parsed.value);
  if (!root.success) return { ...result, issues: [{ message: 'nft: expected {"nftables": [...]}' }] };

  const objects = root.data.nftables.map((item) => objectSchema.safeParse(item));
  const sets: NamedSets = new Map();
  // sets first: rules may refer to a set listed after them
  for (const item of objects) {
    const set = item.success && item.data.set !== undefined ? setSchema.safeParse(item.data.set) : undefined;
    if (set?.success) sets.set(`${set.data.family}/${set.data.table}/${set.data.name}`, set.data.elem ?? []);
  }
  objects.forEach((item, index) => {
    if (!item.success) {
      result.issues.push({ at: index, message: `nft object ${index} is not an object` });
      return;
    }
    if (item.data.chain !== undefined) {
      const chain = chainSchema.safeParse(item.data.chain);
      if (!chain.success) return void result.issues.push({ at: index, message: `nft object ${index}: unreadable chain` });
      const c: FirewallChain = { family: chain.data.family, table: chain.data.table, name: chain.data.name };
      if (chain.data.handle !== undefined) c.handle = chain.data.handle;
      if (chain.data.hook !== undefined) c.hook = chain.data.hook;
      if (chain.data.type !== undefined) c.type = chain.data.type;
      if (chain.data.prio !== undefined) c.priority = chain.data.prio;
      if (chain.data.policy !== undefined) c.policy = chain.data.policy;
      result.chains.push(c);
    } else if (item.data.rule !== undefined) {
      const rule = ruleSchema.safeParse(item.data.rule);
      if (!rule.success) return void result.issues.push({ at: index, message: `nft object ${index}: unreadable rule` });
      result.rules.push(readRule(rule.data, sets));
    }
  });
  return result;
}
