import { z } from 'zod';

// The `expected.json` of an upstream-* fixture bundle: the verdicts DESIGN.md ("Verdicts") demands for the node
// the bundle was captured from, derived from DESIGN and upstream's behaviour by the generator — never from what
// our diagnosis prints. Others read this file; its shape is fixed.
//   {"peers": {"<peerIP>": "<verdict>"}, "worst": "<verdict>", "findings": [...], "note": "why"}

/** DESIGN.md "Verdicts", in precedence order (top wins). */
export const expectedVerdicts = [
  'unknown',
  'interface-missing',
  'interface-down',
  'stale-session',
  'no-route',
  'firewall-blocked',
  'recovering',
  'healthy',
] as const;
export type ExpectedVerdict = (typeof expectedVerdicts)[number];
const verdict = z.enum(expectedVerdicts);

export const staleLocalIpFindingSchema = z
  .object({
    kind: z.literal('stale-local-ip'),
    interface: z.string(),
    localIP: z.ipv4(),
    /** K: exact from doublezero_liveness_sessions when collected, else the distinct peers sampled (a lower bound) */
    sessionsFailing: z.number().int().positive(),
    exact: z.boolean(),
  })
  .strict();

export const tunnelFindingSchema = z.object({ kind: z.literal('tunnel'), interface: z.string(), verdict }).strict();

export const expectedSchema = z
  .object({
    peers: z.record(z.ipv4(), verdict),
    worst: verdict,
    findings: z.array(z.discriminatedUnion('kind', [staleLocalIpFindingSchema, tunnelFindingSchema])),
    note: z.string().min(1),
  })
  .strict();
export type Expected = z.infer<typeof expectedSchema>;
export type ExpectedFinding = Expected['findings'][number];

const rank = (v: ExpectedVerdict) => expectedVerdicts.indexOf(v);

/** `worst` covers the peers and the node-level findings (issue 11: a stale local IP counts as stale-session). */
export function worstOf(peers: Readonly<Record<string, ExpectedVerdict>>, findings: readonly ExpectedFinding[]): ExpectedVerdict {
  const all: ExpectedVerdict[] = [...Object.values(peers), ...findings.map((f) => (f.kind === 'tunnel' ? f.verdict : 'stale-session'))];
  return all.reduce<ExpectedVerdict>((worst, v) => (rank(v) < rank(worst) ? v : worst), 'healthy');
}

function ipv4Key(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** expected.json's text: peers in address order, two-space JSON, newline-terminated. */
export function renderExpected(e: Omit<Expected, 'worst'>): string {
  const peers = Object.fromEntries(Object.entries(e.peers).sort(([a], [b]) => ipv4Key(a) - ipv4Key(b)));
  const full: Expected = { peers, worst: worstOf(e.peers, e.findings), findings: e.findings, note: e.note };
  return `${JSON.stringify(expectedSchema.parse(full), null, 2)}\n`;
}
