import 'server-only';
import { createHash } from 'node:crypto';
import { bundleSchema, sectionNameSchema, type Bundle, type RawSection, type SectionName } from '@/lib/bundle/types';
import type { Queryable } from '@/lib/db';

// The latest raw output of each node, one row per section (node_raw_sections), written only when a
// section's output changed: most sections (links, addresses, routes, rules, firewall) stay the same for
// days, and a 1,000,000-route table is not rewritten every 5 s.

/** A section's identity for change detection: its stdout, stderr, exit code and truncation. */
export function rawSectionKey(s: RawSection): string {
  return createHash('sha256')
    .update(s.stdout)
    .update(`\u0000${s.exitCode ?? 'null'}\u0000${s.truncated ? 1 : 0}\u0000`)
    .update(s.stderr)
    .digest('hex');
}

/** The content key of each stored section of a node. */
export async function loadRawSectionKeys(q: Queryable, node: string): Promise<Map<SectionName, string>> {
  const { rows } = await q.query<{ section: string; content_key: string }>(`select section, content_key from node_raw_sections where node = $1`, [node]);
  const out = new Map<SectionName, string>();
  for (const r of rows) {
    const name = sectionNameSchema.safeParse(r.section);
    if (name.success) out.set(name.data, r.content_key);
  }
  return out;
}

/** One node's section rows to write: what changed since `stored`, and what the poll no longer has. */
export interface SectionWrite {
  node: string;
  at: Date;
  /** the content key of every section of the poll: what is stored after the write */
  keys: Map<SectionName, string>;
  changed: Array<{ name: SectionName; key: string; s: RawSection }>;
  gone: SectionName[];
}

/** Which of a poll's sections differ from `stored` (keys as held before it); no store access. */
export function planSectionWrite(
  node: string,
  at: Date,
  sections: Bundle['sections'],
  stored: ReadonlyMap<SectionName, string>,
  keyOf: (name: SectionName, s: RawSection) => string = (_, s) => rawSectionKey(s),
): SectionWrite {
  const keys = new Map<SectionName, string>();
  const changed: SectionWrite['changed'] = [];
  for (const [name, s] of Object.entries(sections) as Array<[SectionName, RawSection | undefined]>) {
    if (!s) continue;
    const key = keyOf(name, s);
    keys.set(name, key);
    if (stored.get(name) !== key) changed.push({ name, key, s });
  }
  const gone = [...stored.keys()].filter((name) => !keys.has(name));
  return { node, at, keys, changed, gone };
}

/** Rows written by a SectionWrite. */
export const sectionRowsWritten = (w: SectionWrite): number => w.changed.length + w.gone.length;

// A statement's section text is capped: a batch may hold several 100 MB routing tables, and each statement's
// parameters are one more copy of its text.
const STATEMENT_TEXT_BYTES = 16 * 1024 * 1024;

/**
 * Stores the changed sections and deletes the gone ones of several nodes (one statement for the deletes, the
 * upserts in as few statements as the text cap allows).
 */
export async function writeSections(tx: Queryable, writes: readonly SectionWrite[]): Promise<void> {
  const gone = writes.flatMap((w) => w.gone.map((name) => [w.node, name] as const));
  if (gone.length) {
    await tx.query(`delete from node_raw_sections r using unnest($1::text[], $2::text[]) as g(node, section) where r.node = g.node and r.section = g.section`, [
      gone.map((g) => g[0]),
      gone.map((g) => g[1]),
    ]);
  }
  const rows = writes.flatMap((w) => w.changed.map((c) => ({ node: w.node, at: w.at, ...c })));
  for (let i = 0; i < rows.length;) {
    let bytes = 0;
    let j = i;
    while (j < rows.length && (j === i || bytes + rows[j]!.s.stdout.length <= STATEMENT_TEXT_BYTES)) bytes += rows[j++]!.s.stdout.length;
    const chunk = rows.slice(i, j);
    i = j;
    await tx.query(
      `insert into node_raw_sections (node, section, content_key, stdout, stderr, exit_code, truncated, collected_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::boolean[], $8::timestamptz[])
       on conflict (node, section) do update set content_key = excluded.content_key, stdout = excluded.stdout, stderr = excluded.stderr,
         exit_code = excluded.exit_code, truncated = excluded.truncated, collected_at = excluded.collected_at`,
      [
        chunk.map((c) => c.node),
        chunk.map((c) => c.name),
        chunk.map((c) => c.key),
        chunk.map((c) => c.s.stdout),
        chunk.map((c) => c.s.stderr),
        chunk.map((c) => c.s.exitCode),
        chunk.map((c) => c.s.truncated),
        chunk.map((c) => c.at),
      ],
    );
  }
}

/**
 * The node's latest bundle: its stored sections, collected at its last successful poll. Null when nothing
 * was collected yet (or the stored rows do not make a valid bundle).
 */
export async function loadLatestBundle(q: Queryable, node: string): Promise<Bundle | null> {
  return (await loadLatestBundles(q, [node])).get(node) ?? null;
}

/** The latest bundle of each node (every node with stored sections when `nodes` is undefined). */
export async function loadLatestBundles(q: Queryable, nodes?: readonly string[]): Promise<Map<string, Bundle>> {
  const { rows } = await q.query<{
    node: string;
    section: string;
    stdout: string;
    stderr: string;
    exit_code: number | null;
    truncated: boolean;
    collected_at: Date;
    last_success_at: Date | null;
  }>(
    `select r.node, r.section, r.stdout, r.stderr, r.exit_code, r.truncated, r.collected_at, s.last_success_at
       from node_raw_sections r left join node_status s on s.node = r.node
      where $1::text[] is null or r.node = any($1::text[])`,
    [nodes ?? null],
  );
  const byNode = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byNode.get(r.node);
    if (list) list.push(r);
    else byNode.set(r.node, [r]);
  }
  const out = new Map<string, Bundle>();
  for (const [node, list] of byNode) {
    const collectedAt = list[0]!.last_success_at ?? new Date(Math.max(...list.map((r) => r.collected_at.getTime())));
    const parsed = bundleSchema.safeParse({
      meta: { node, collectedAt: collectedAt.toISOString() },
      sections: Object.fromEntries(list.map((r) => [r.section, { stdout: r.stdout, stderr: r.stderr, exitCode: r.exit_code, truncated: r.truncated }])),
    });
    if (parsed.success) out.set(node, parsed.data);
  }
  return out;
}
