import { createHash } from 'node:crypto';
import { sectionNameSchema, type RawSection, type SectionName } from '../bundle/types';
import { PROBE_MAGIC, SECTION_STDERR_CAP, SHA256_HEX, sectionStdoutCap } from './script';

export class ProbeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeDecodeError';
  }
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A section the node printed in full, with the sha256 of its stdout bytes as sent (for the next poll). */
export interface DecodedSection {
  section: RawSection;
  sha256: string;
}

/** A section the node says is byte-for-byte the output the agent holds under `sha256`. */
export interface UnchangedSection {
  sha256: string;
  stderr: string;
  exitCode: number;
}

export interface ProbeReply {
  sections: Partial<Record<SectionName, DecodedSection>>;
  unchanged: Partial<Record<SectionName, UnchangedSection>>;
}

/**
 * Decodes a probe's stdout. Lines that are not section lines (e.g. a banner from a login script) are
 * ignored; a malformed section line or a repeated section is an error.
 */
export function decodeProbeReply(output: string): ProbeReply {
  const reply: ProbeReply = { sections: {}, unchanged: {} };
  for (const line of output.split('\n')) {
    if (!line.startsWith(PROBE_MAGIC + ' ')) continue;
    const parts = line.split(' ');
    if (parts.length !== 5) throw new ProbeDecodeError(`malformed probe line (${parts.length} fields)`);
    const [, name, out, rc, err] = parts as [string, string, string, string, string];
    const parsedName = sectionNameSchema.safeParse(name);
    if (!parsedName.success) throw new ProbeDecodeError(`unknown probe section ${JSON.stringify(name.slice(0, 40))}`);
    const section = parsedName.data;
    if (reply.sections[section] || reply.unchanged[section]) throw new ProbeDecodeError(`section ${name} appears twice`);
    if (!B64.test(err)) throw new ProbeDecodeError(`section ${name} is not base64`);
    if (!/^\d{1,3}$/.test(rc)) throw new ProbeDecodeError(`section ${name} has a bad exit code`);
    // Invalid UTF-8 becomes U+FFFD: node output is untrusted text, never executed.
    const stderr = Buffer.from(err, 'base64').subarray(0, SECTION_STDERR_CAP).toString('utf8');
    if (out.startsWith('=')) {
      const sha256 = out.slice(1);
      if (!SHA256_HEX.test(sha256)) throw new ProbeDecodeError(`section ${name} has a malformed hash`);
      reply.unchanged[section] = { sha256, stderr, exitCode: Number(rc) };
      continue;
    }
    if (!B64.test(out)) throw new ProbeDecodeError(`section ${name} is not base64`);
    const stdoutBuf = Buffer.from(out, 'base64');
    const cap = sectionStdoutCap(section);
    const truncated = stdoutBuf.length > cap;
    reply.sections[section] = {
      section: { stdout: (truncated ? stdoutBuf.subarray(0, cap) : stdoutBuf).toString('utf8'), stderr, exitCode: Number(rc), truncated },
      // Of the bytes as the node hashed them (before our cut), so the node can recognize them next time.
      sha256: createHash('sha256').update(stdoutBuf).digest('hex'),
    };
  }
  return reply;
}

/** Decodes a probe's stdout when no hashes were offered: an `unchanged` line is then an error. */
export function decodeProbeOutput(output: string): Partial<Record<SectionName, RawSection>> {
  const reply = decodeProbeReply(output);
  const claimed = Object.keys(reply.unchanged);
  if (claimed.length) throw new ProbeDecodeError(`section ${claimed[0]} claims to be unchanged, but no hash was offered`);
  const sections: Partial<Record<SectionName, RawSection>> = {};
  for (const [name, decoded] of Object.entries(reply.sections) as [SectionName, DecodedSection][]) sections[name] = decoded.section;
  return sections;
}

/** Encodes one section line exactly as the probe prints it (used by the simulated fleet). */
export function encodeProbeLine(name: SectionName, stdout: string | Buffer, exitCode: number, stderr = ''): string {
  const out = Buffer.isBuffer(stdout) ? stdout : Buffer.from(stdout, 'utf8');
  return `${PROBE_MAGIC} ${name} ${out.subarray(0, sectionStdoutCap(name) + 1).toString('base64')} ${exitCode} ${Buffer.from(stderr).subarray(0, SECTION_STDERR_CAP).toString('base64')}\n`;
}

/** The line a probe prints for a section whose stdout hashes to the `sha256` the agent offered. */
export function encodeUnchangedLine(name: SectionName, sha256: string, exitCode: number, stderr = ''): string {
  return `${PROBE_MAGIC} ${name} =${sha256} ${exitCode} ${Buffer.from(stderr).subarray(0, SECTION_STDERR_CAP).toString('base64')}\n`;
}

/** sha256 hex of a section's stdout as the probe hashes it: the bytes after the size cut (cap + 1). */
export function probeStdoutHash(name: SectionName, stdout: string | Buffer): string {
  const out = Buffer.isBuffer(stdout) ? stdout : Buffer.from(stdout, 'utf8');
  return createHash('sha256')
    .update(out.subarray(0, sectionStdoutCap(name) + 1))
    .digest('hex');
}
