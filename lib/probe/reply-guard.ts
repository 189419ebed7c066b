import { sectionNameSchema } from '../bundle/types';
import { PROBE_MAGIC, SECTION_STDERR_CAP, sectionStdoutCap } from './script';

// Checks a probe reply while it streams in, so an over-long section is refused when it passes its own
// cap (8 MiB for most sections, more for the routing table), not when the whole poll reaches the
// agent's per-poll limit: a node printing 100 MB into its journal section costs ~11 MB, not 100 MB.
// Lines that are not section lines (a login banner, the probe loop's end line) are short by nature.

/** Longest line that is not a section line. */
export const OTHER_LINE_MAX = 64 * 1024;
const HEAD_BYTES = 64;

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);

/** The longest a well-formed line of this section can be: `FNH1 <name> <b64 stdout> <rc> <b64 stderr>`. */
export function sectionLineMax(name: Parameters<typeof sectionStdoutCap>[0]): number {
  return `${PROBE_MAGIC} ${name} `.length + base64Length(sectionStdoutCap(name) + 1) + ' 255 '.length + base64Length(SECTION_STDERR_CAP);
}

const undecided = Number.POSITIVE_INFINITY;

function lineMax(head: string, complete: boolean): number {
  const prefix = `${PROBE_MAGIC} `;
  if (!head.startsWith(prefix)) return prefix.startsWith(head) && !complete ? undecided : OTHER_LINE_MAX;
  const space = head.indexOf(' ', prefix.length);
  if (space < 0) return complete ? OTHER_LINE_MAX : undecided;
  const name = sectionNameSchema.safeParse(head.slice(prefix.length, space));
  // An unknown section name is refused by the decoder; here it only needs to stay short.
  return name.success ? sectionLineMax(name.data) : OTHER_LINE_MAX;
}

/** A fresh guard per reply: feed it every stdout chunk; it answers why to stop, or undefined. */
export function createReplyGuard(): (chunk: Buffer) => string | undefined {
  let head = '';
  let lineBytes = 0;
  return (chunk) => {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl === -1 ? chunk.length : nl;
      if (head.length < HEAD_BYTES) head += chunk.subarray(pos, Math.min(end, pos + HEAD_BYTES - head.length)).toString('latin1');
      lineBytes += end - pos;
      const max = lineMax(head, head.length >= HEAD_BYTES || nl !== -1);
      if (lineBytes > max) {
        const what = head.startsWith(`${PROBE_MAGIC} `) ? `section ${head.split(' ')[1] ?? '?'}` : 'a line outside any section';
        return `${what} is longer than its cap (${max} bytes)`;
      }
      if (nl === -1) break;
      head = '';
      lineBytes = 0;
      pos = nl + 1;
    }
    return undefined;
  };
}
