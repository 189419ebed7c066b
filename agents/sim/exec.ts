import { sectionNameSchema, type SectionName } from '../../lib/bundle/types';
import { encodeProbeLine, encodeUnchangedLine, probeStdoutHash } from '../../lib/probe/decode';
import { METRICS_SCRIPT } from '../../lib/probe/commands';
import { NO_KNOWN_HASH } from '../../lib/probe/script';
import { SERVE_BAD_REQUEST_EXIT, serveEndLine } from '../../lib/probe/serve';
import { shellSplit } from '../../lib/probe/shell-quote';
import { bigRouteTableHash, bigRouteTableLine } from './big-route-table';
import { runCommand, type CommandResult } from './commands';
import { findLink, TUNNEL_IFACE, type SimNodeState } from './state';

// An SSH exec request, answered without a shell: the probe's `sh -c '<script>'` is unwrapped and
// each `fnh <section> <known sha256 or -> <argv...>` line of the script is answered from state and
// printed the way the script's fnh function prints it (`=<sha256>` when the output is the one the
// agent holds). Any other exec string is taken as one argv. A probe reply is a list of parts: text,
// or pieces rendered as they are written (a huge route table, see big-route-table.ts).

/** Text, or bytes produced lazily while being written out. */
export type ReplyPart = string | Iterable<Buffer>;

/** All parts as one string (fine for ordinary replies; a streamed part is materialized). */
export function joinParts(parts: readonly ReplyPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : Buffer.concat([...p]).toString('latin1'))).join('');
}

/** One section's probe line: `=<hash>` when the agent holds this output, the (possibly streamed) output otherwise. */
function sectionLine(state: SimNodeState, section: SectionName, known: string, r: CommandResult): ReplyPart {
  // A tunnel that is down took its routes with it (as the kernel flushes them): only the node's own table then.
  if (section === 'ip-route' && state.routeTableSize && r.exitCode === 0 && findLink(state, TUNNEL_IFACE)?.up) {
    if (known !== NO_KNOWN_HASH && bigRouteTableHash(state, r.stdout) === known) return encodeUnchangedLine(section, known, r.exitCode, r.stderr);
    return bigRouteTableLine(state, r.stdout, r.exitCode, r.stderr);
  }
  return known !== NO_KNOWN_HASH && probeStdoutHash(section, r.stdout) === known
    ? encodeUnchangedLine(section, known, r.exitCode, r.stderr)
    : encodeProbeLine(section, r.stdout, r.exitCode, r.stderr);
}

/**
 * The script's lines as the shell reads them: a newline inside single quotes (the metrics section's
 * `sh -c '<multi-line script>'`) does not end the line.
 */
export function scriptLines(script: string): string[] {
  const lines: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (!quoted && ch === '\\' && i + 1 < script.length) {
      cur += ch + script[++i];
      continue;
    }
    if (ch === "'") quoted = !quoted;
    if (ch === '\n' && !quoted) {
      lines.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

const UNPARSABLE: CommandResult = { stdout: '', stderr: "bash: -c: line 1: unexpected EOF while looking for matching `''\n", exitCode: 2 };

export function answerExec(state: SimNodeState, command: string, nowMs: number): CommandResult {
  const r = answerExecParts(state, command, nowMs);
  return { stdout: joinParts(r.stdout), stderr: r.stderr, exitCode: r.exitCode };
}

/** answerExec with stdout as parts, for the SSH server to stream. */
export function answerExecParts(state: SimNodeState, command: string, nowMs: number): { stdout: ReplyPart[]; stderr: string; exitCode: number } {
  const r = answerCommand(state, command, nowMs);
  return 'parts' in r ? { stdout: r.parts, stderr: '', exitCode: 0 } : { ...r, stdout: [r.stdout] };
}

function answerCommand(state: SimNodeState, command: string, nowMs: number): CommandResult | { parts: ReplyPart[] } {
  let words: string[];
  try {
    words = shellSplit(command);
  } catch {
    return UNPARSABLE;
  }
  if (words[0] === 'sh' && words[1] === '-c' && words.length === 3 && words[2] !== METRICS_SCRIPT) return answerScript(state, words[2]!, nowMs);
  return runCommand(state, words, nowMs);
}

function answerScript(state: SimNodeState, script: string, nowMs: number): CommandResult | { parts: ReplyPart[] } {
  const lines = scriptLines(script);
  const probeLines = lines.filter((l) => l.startsWith('fnh '));
  if (probeLines.length === 0) {
    const commands = lines.filter((l) => l.trim() !== '');
    if (commands.length !== 1) return { stdout: '', stderr: 'sh: only the probe script or a single command is simulated\n', exitCode: 2 };
    try {
      return runCommand(state, shellSplit(commands[0]!), nowMs);
    } catch {
      return { stdout: '', stderr: 'sh: 1: Syntax error: Unterminated quoted string\n', exitCode: 2 };
    }
  }
  const parts: ReplyPart[] = [];
  for (const line of probeLines) {
    let words: string[];
    try {
      words = shellSplit(line);
    } catch {
      continue;
    }
    const section = sectionNameSchema.safeParse(words[1]);
    if (!section.success) continue;
    const known = words[2] ?? NO_KNOWN_HASH;
    parts.push(sectionLine(state, section.data, known, runCommand(state, words.slice(3), nowMs)));
  }
  return { parts };
}

/** The probe loop of lib/probe/serve.ts as the simulated node runs it: one reply per request line. */
export interface ServeLoop {
  /** The reply to one request line (without its newline), or the loop's exit code when it ends there. */
  answer(state: SimNodeState, line: string, nowMs: number): { reply: string } | { exitCode: number };
  /** `answer` with the reply as parts, for the SSH server to stream. */
  answerParts(state: SimNodeState, line: string, nowMs: number): { parts: ReplyPart[] } | { exitCode: number };
}

/** The serve loop, if `command` starts one; its `fnh` lines are read once and answered per request. */
export function serveLoopOf(command: string): ServeLoop | undefined {
  let words: string[];
  try {
    words = shellSplit(command);
  } catch {
    return undefined;
  }
  if (words[0] !== 'sh' || words[1] !== '-c' || words.length !== 3 || !/^while read -r id since /m.test(words[2]!)) return undefined;
  const probes: { section: SectionName; hashIndex: number; argv: string[] }[] = [];
  for (const line of scriptLines(words[2]!).map((l) => l.trim())) {
    if (!line.startsWith('fnh ')) continue;
    const [, name, hashWord, ...argv] = shellSplit(line);
    const section = sectionNameSchema.safeParse(name);
    const hashIndex = /^"\$h(\d+)"$/.exec(hashWord ?? '')?.[1];
    if (section.success && hashIndex !== undefined) probes.push({ section: section.data, hashIndex: Number(hashIndex), argv });
  }
  const loop: ServeLoop = {
    answer(state, line, nowMs) {
      const r = loop.answerParts(state, line, nowMs);
      return 'parts' in r ? { reply: joinParts(r.parts) } : r;
    },
    answerParts(state, line, nowMs) {
      const [id, since, ...hashes] = line.split(' ');
      if (!id || !/^\d+$/.test(id) || !since || !/^\d+$/.test(since)) return { exitCode: SERVE_BAD_REQUEST_EXIT };
      const parts: ReplyPart[] = [];
      for (const p of probes) {
        const argv = p.argv.map((w) => (w === '"@$since"' ? `@${since}` : w));
        const known = hashes[p.hashIndex] ?? NO_KNOWN_HASH;
        parts.push(sectionLine(state, p.section, known, runCommand(state, argv, nowMs)));
      }
      parts.push(serveEndLine(Number(id)));
      return { parts };
    },
  };
  return loop;
}
