import { sectionNameSchema, type RawSection, type SectionName } from '../bundle/types';
import { PROBE_MAGIC, SECTION_STDOUT_CAP } from './script';

export class ProbeDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeDecodeError';
  }
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a probe's stdout into sections. Lines that are not section lines (e.g. a banner from a
 * login script) are ignored; a malformed section line or a repeated section is an error.
 */
export function decodeProbeOutput(output: string): Partial<Record<SectionName, RawSection>> {
  const sections: Partial<Record<SectionName, RawSection>> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith(PROBE_MAGIC + ' ')) continue;
    const parts = line.split(' ');
    if (parts.length !== 5) throw new ProbeDecodeError(`malformed probe line (${parts.length} fields)`);
    const [, name, out, rc, err] = parts as [string, string, string, string, string];
    const parsedName = sectionNameSchema.safeParse(name);
    if (!parsedName.success) throw new ProbeDecodeError(`unknown probe section ${JSON.stringify(name.slice(0, 40))}`);
    if (sections[parsedName.data]) throw new ProbeDecodeError(`section ${name} appears twice`);
    if (!B64.test(out) || !B64.test(err)) throw new ProbeDecodeError(`section ${name} is not base64`);
    if (!/^\d{1,3}$/.test(rc)) throw new ProbeDecodeError(`section ${name} has a bad exit code`);
    const stdoutBuf = Buffer.from(out, 'base64');
    const truncated = stdoutBuf.length > SECTION_STDOUT_CAP;
    sections[parsedName.data] = {
      // Invalid UTF-8 becomes U+FFFD: node output is untrusted text, never executed.
      stdout: (truncated ? stdoutBuf.subarray(0, SECTION_STDOUT_CAP) : stdoutBuf).toString('utf8'),
      stderr: Buffer.from(err, 'base64').toString('utf8'),
      exitCode: Number(rc),
      truncated,
    };
  }
  return sections;
}

/** Encodes one section line exactly as the probe prints it (used by the simulated fleet). */
export function encodeProbeLine(name: SectionName, stdout: string | Buffer, exitCode: number, stderr = ''): string {
  const out = Buffer.isBuffer(stdout) ? stdout : Buffer.from(stdout, 'utf8');
  return `${PROBE_MAGIC} ${name} ${out.subarray(0, SECTION_STDOUT_CAP + 1).toString('base64')} ${exitCode} ${Buffer.from(stderr).subarray(0, 4096).toString('base64')}\n`;
}
