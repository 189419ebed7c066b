import { bundleSchema, type Bundle } from '../../lib/bundle/types';
import { parseJournal, type LivenessEvent } from '../../lib/parse/journal';
import { buildProbeCommand } from '../../lib/probe/script';
import { decodeProbeOutput, ProbeDecodeError } from '../../lib/probe/decode';
import { SshError } from '../ssh/errors';
import type { SshPool } from '../ssh/pool';

// One poll of one node: one SSH exec of the probe, its output decoded and validated into a
// bundle, and the liveness events of its journal window. Anything a node sends is untrusted.

export interface PollNodeOptions {
  journalSince: number;
  /** budget of the whole poll: connect + probe */
  timeoutMs: number;
  maxBytes: number;
  /** collection time (agent clock) */
  now: Date;
  /** default Date.now */
  clock?: () => number;
}

export interface PolledNode {
  bundle: Bundle;
  events: LivenessEvent[];
}

export async function pollNode(pool: SshPool, name: string, opts: PollNodeOptions): Promise<PolledNode> {
  const command = buildProbeCommand({ journalSince: opts.journalSince });
  // Connecting may take part of the budget; the probe gets what is left, so the poll as a whole keeps its deadline.
  const clock = opts.clock ?? Date.now;
  const deadline = clock() + opts.timeoutMs;
  await pool.ensureConnected(name);
  const timeoutMs = Math.max(1, deadline - clock());
  const res = await pool.exec(name, command, { timeoutMs, maxBytes: opts.maxBytes });
  const host = pool.address(name);
  const stderr = res.stderr.toString('utf8');
  if (res.exitCode !== 0) {
    throw new SshError('exit-nonzero', `${name}: the probe exited with ${res.exitCode ?? res.signal}`, { host, command: 'probe (sh -c <script>)', exitCode: res.exitCode, stderr });
  }
  let sections;
  try {
    sections = decodeProbeOutput(res.stdout.toString('latin1'));
  } catch (err) {
    if (err instanceof ProbeDecodeError) throw new SshError('protocol', `${name}: probe output is malformed: ${err.message}`, { host, command: 'probe (sh -c <script>)', stderr });
    throw err;
  }
  if (Object.keys(sections).length === 0) {
    throw new SshError('protocol', `${name}: the probe printed no sections (is the login shell POSIX? is base64 installed?)`, { host, command: 'probe (sh -c <script>)', stderr });
  }
  const bundle = bundleSchema.parse({ meta: { node: name, collectedAt: opts.now.toISOString() }, sections });
  const events = parseJournal(bundle.sections.journal?.stdout ?? '');
  return { bundle, events };
}
