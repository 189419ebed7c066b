import { sectionNames } from '../bundle/types';
import { sectionCommands } from './commands';
import { PROBE_FUNCTION, PROBE_MAGIC, type KnownHashes } from './script';
import { shellJoin } from './shell-quote';

// The probe as a long-lived session: one SSH channel per node runs this loop, and each poll is one
// request line on its stdin and one reply on its stdout — instead of opening, exec'ing and closing a
// channel per poll (several round trips and a dozen packets on both sides).
//   request: <id> <journal since, epoch s> <hash of each section, in sectionNames order, or ->\n
//   reply:   the probe's section lines (script.ts), then `FNH1 end <id>\n`
// Everything the loop prints is its own printf or base64, so the end line cannot come from a
// command's output. A request that is not digits where digits belong ends the loop (exit 96), and
// the agent falls back to one exec per poll.
export const SERVE_END = `${PROBE_MAGIC} end`;
export const SERVE_BAD_REQUEST_EXIT = 96;

/** The shell word for each section's command, with the journal's `--since` read from the request. */
function sectionWords(): string[] {
  const cmds = sectionCommands({ journalSince: 0 });
  return sectionNames.map((name, i) => {
    const argv = cmds[name];
    if (name !== 'journal') return `fnh ${name} "$h${i}" ${shellJoin(argv)}`;
    // commands.ts ends the journal's argv with `--since @<epoch>`: the epoch comes from the request.
    if (argv.at(-1) !== '@0') throw new Error('the journal command must end with its --since value');
    return `fnh ${name} "$h${i}" ${shellJoin(argv.slice(0, -1))} "@$since"`;
  });
}

export function buildServeScript(): string {
  const hashVars = sectionNames.map((_, i) => `h${i}`).join(' ');
  const lines = [
    'export LC_ALL=C PATH="$PATH:/usr/sbin:/sbin"',
    'T=$(mktemp -d) || exit 97',
    'trap \'rm -rf "$T"\' EXIT',
    PROBE_FUNCTION,
    `while read -r id since ${hashVars} rest; do`,
    `  case $id in ''|*[!0-9]*) exit ${SERVE_BAD_REQUEST_EXIT};; esac`,
    `  case $since in ''|*[!0-9]*) exit ${SERVE_BAD_REQUEST_EXIT};; esac`,
    ...sectionWords().map((l) => `  ${l}`),
    `  printf '${SERVE_END} %s\\n' "$id"`,
    'done',
  ];
  return lines.join('\n') + '\n';
}

/** The command that starts the loop over SSH exec. */
export function buildServeCommand(): string {
  return `sh -c ${shellJoin([buildServeScript()])}`;
}

/** Whether an exec command string is the one that starts the loop (tests count probe execs apart from it). */
export function isServeCommand(command: string): boolean {
  return command === buildServeCommand();
}

/** One request line. Hashes that are not 64 hex digits are sent as `-` (no known output). */
export function buildServeRequest(id: number, journalSince: number, known: KnownHashes = {}): string {
  const since = Math.max(0, Math.floor(journalSince));
  const hashes = sectionNames.map((s) => {
    const h = known[s];
    return h !== undefined && /^[0-9a-f]{64}$/.test(h) ? h : '-';
  });
  return `${id} ${since} ${hashes.join(' ')}\n`;
}

/** The line that ends the reply to request `id`. */
export function serveEndLine(id: number): string {
  return `${SERVE_END} ${id}\n`;
}
