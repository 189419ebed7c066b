import { bundleSchema, type Bundle, type RawSection, type SectionName } from '../../lib/bundle/types';
import { journalReferenceYear, type ParsedJournal } from '../../lib/model/normalize';
import { parseJournalDetailed, type LivenessEvent } from '../../lib/parse/journal';
import { createReplyGuard } from '../../lib/probe/reply-guard';
import { buildProbeCommand, type KnownHashes } from '../../lib/probe/script';
import { decodeProbeReply, ProbeDecodeError, type ProbeReply } from '../../lib/probe/decode';
import { buildServeCommand, buildServeRequest, serveEndLine } from '../../lib/probe/serve';
import { SshError } from '../ssh/errors';
import type { SshPool } from '../ssh/pool';
import { SectionMemo, type HeldSection } from './section-memo';

// One poll of one node: one SSH exec of the probe, its output decoded and validated into a
// bundle, and the liveness events of its journal window. Anything a node sends is untrusted.
// The probe is told the hash of each section's last output; a section that did not change comes
// back as its hash and the held output is reused (see lib/probe/script.ts). Polls go to a long-lived
// probe loop on the node's connection (lib/probe/serve.ts); where it cannot run, one exec per poll.

export interface PollNodeOptions {
  journalSince: number;
  /** budget of the whole poll: connect + probe */
  timeoutMs: number;
  maxBytes: number;
  /** collection time (agent clock) */
  now: Date;
  /** default Date.now */
  clock?: () => number;
  /** what the agent holds of each node's last outputs; default: one memo per pool */
  memo?: SectionMemo;
}

export interface PolledNode {
  bundle: Bundle;
  events: LivenessEvent[];
  /** the journal as parsed for `events`, handed to normalization so it is not parsed twice */
  journal: ParsedJournal;
}

const PROBE_SUMMARY = 'probe (sh -c <script>)';
const SERVE_COMMAND = buildServeCommand();
let nextRequestId = 1;
const poolMemos = new WeakMap<SshPool, SectionMemo>();

/** The memo pollNode uses for a pool when none is given. */
export function sectionMemoOf(pool: SshPool): SectionMemo {
  let memo = poolMemos.get(pool);
  if (!memo) poolMemos.set(pool, (memo = new SectionMemo()));
  return memo;
}

export async function pollNode(pool: SshPool, name: string, opts: PollNodeOptions): Promise<PolledNode> {
  const memo = opts.memo ?? sectionMemoOf(pool);
  // Connecting may take part of the budget; the probe gets what is left, so the poll as a whole keeps its deadline.
  const clock = opts.clock ?? Date.now;
  const deadline = clock() + opts.timeoutMs;
  await pool.ensureConnected(name);
  let held = resolveReply(await runProbe(pool, name, opts, memo.knownHashes(name), deadline, clock), memo, name);
  if (!held) {
    // The node named an output we do not hold (its claim or our memory is off): ask once for everything.
    memo.forget(name);
    held = resolveReply(await runProbe(pool, name, opts, {}, deadline, clock), memo, name);
    if (!held)
      throw new SshError('protocol', `${name}: the probe claimed unchanged sections without being offered a hash`, {
        host: pool.address(name),
        command: PROBE_SUMMARY,
      });
  }
  const sections: Partial<Record<SectionName, RawSection>> = {};
  for (const [section, { section: raw }] of held) sections[section] = raw;
  if (held.size === 0) {
    throw new SshError('protocol', `${name}: the probe printed no sections (is the login shell POSIX? is base64 installed?)`, {
      host: pool.address(name),
      command: PROBE_SUMMARY,
    });
  }
  const bundle = bundleSchema.parse({ meta: { node: name, collectedAt: opts.now.toISOString() }, sections });
  memo.remember(name, held);
  // Dated like normalizeBundle dates it (the collection's year), so the ingest can reuse this parse.
  const text = bundle.sections.journal?.stdout ?? '';
  const referenceYear = journalReferenceYear(bundle.meta.collectedAt);
  const result = parseJournalDetailed(text, referenceYear);
  return { bundle, events: result.events, journal: { text, referenceYear, result } };
}

async function runProbe(pool: SshPool, name: string, opts: PollNodeOptions, known: KnownHashes, deadline: number, clock: () => number): Promise<ProbeReply> {
  if (pool.sessionUsable(name)) {
    const id = nextRequestId++;
    let reply: Buffer | undefined;
    try {
      reply = await pool.converse(name, SERVE_COMMAND, buildServeRequest(id, opts.journalSince, known), serveEndLine(id), {
        timeoutMs: Math.max(1, deadline - clock()),
        maxBytes: opts.maxBytes,
        inspect: createReplyGuard(),
      });
    } catch (err) {
      // A timeout or an overflow is the node's answer. Anything else (no POSIX loop there, the loop
      // died, a garbled reply, another poll of this node in flight): one exec for this poll, and the
      // pool keeps this connection on exec where the loop failed.
      if (!(err instanceof SshError) || err.kind === 'command-timeout' || err.kind === 'output-too-large') throw err;
    }
    if (reply) return decode(reply, name, pool.address(name), '');
  }
  const command = buildProbeCommand({ journalSince: opts.journalSince }, undefined, known);
  const res = await pool.exec(name, command, { timeoutMs: Math.max(1, deadline - clock()), maxBytes: opts.maxBytes, inspect: createReplyGuard() });
  const host = pool.address(name);
  const stderr = res.stderr.toString('utf8');
  if (res.exitCode !== 0) {
    throw new SshError('exit-nonzero', `${name}: the probe exited with ${res.exitCode ?? res.signal}`, {
      host,
      command: PROBE_SUMMARY,
      exitCode: res.exitCode,
      stderr,
    });
  }
  return decode(res.stdout, name, host, stderr);
}

function decode(stdout: Buffer, name: string, host: string, stderr: string): ProbeReply {
  try {
    return decodeProbeReply(stdout.toString('latin1'));
  } catch (err) {
    if (err instanceof ProbeDecodeError)
      throw new SshError('protocol', `${name}: probe output is malformed: ${err.message}`, { host, command: PROBE_SUMMARY, stderr });
    throw err;
  }
}

/** Every section of the reply with its output: sent now, or held from before. Undefined if the node named an output we do not hold. */
function resolveReply(reply: ProbeReply, memo: SectionMemo, name: string): Map<SectionName, HeldSection> | undefined {
  const out = new Map<SectionName, HeldSection>();
  for (const [section, decoded] of Object.entries(reply.sections) as [SectionName, HeldSection][]) out.set(section, decoded);
  for (const [section, claim] of Object.entries(reply.unchanged) as [SectionName, NonNullable<ProbeReply['unchanged'][SectionName]>][]) {
    const held = memo.held(name, section, claim.sha256);
    if (!held) return undefined;
    out.set(section, { sha256: claim.sha256, section: { ...held.section, stderr: claim.stderr, exitCode: claim.exitCode } });
  }
  return out;
}
