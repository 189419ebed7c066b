// Every SSH failure the agent can meet, typed, so the poller and the UI can tell a node that is
// down from one whose key changed from one that printed too much.
export const sshErrorKinds = [
  'connect-timeout',
  'connect-refused',
  'auth-failed',
  'host-key-unknown',
  'host-key-changed',
  'command-timeout',
  'output-too-large',
  'exit-nonzero',
  'protocol',
  'closed',
] as const;
export type SshErrorKind = (typeof sshErrorKinds)[number];

export interface SshErrorDetails {
  host: string;
  /** the first words of the command only, secrets removed (see summarizeCommand) */
  command?: string;
  exitCode?: number | null;
  /** the command's stderr, cut to a few KiB */
  stderr?: string;
}

export class SshError extends Error {
  readonly kind: SshErrorKind;
  readonly host: string;
  readonly command?: string;
  readonly exitCode?: number | null;
  readonly stderr?: string;
  constructor(kind: SshErrorKind, message: string, details: SshErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SshError';
    this.kind = kind;
    this.host = details.host;
    if (details.command !== undefined) this.command = details.command;
    if (details.exitCode !== undefined) this.exitCode = details.exitCode;
    if (details.stderr !== undefined) this.stderr = details.stderr.slice(0, STDERR_KEEP);
  }

  /** The shape stored in node_status.last_error. */
  toJSON(): { kind: SshErrorKind; message: string; host: string; command?: string; exitCode?: number | null; stderr?: string } {
    return {
      kind: this.kind,
      message: this.message,
      host: this.host,
      ...(this.command !== undefined ? { command: this.command } : {}),
      ...(this.exitCode !== undefined ? { exitCode: this.exitCode } : {}),
      ...(this.stderr !== undefined ? { stderr: this.stderr } : {}),
    };
  }
}

const STDERR_KEEP = 4096;
const WORDS_KEPT = 4;

/**
 * The first few words of a command, for errors and logs. Anything that looks like a secret
 * (`--password=x`, `token=...`, long base64/hex blobs) is replaced, and a probe script is named
 * as such instead of being dumped.
 */
export function summarizeCommand(command: string): string {
  if (command.startsWith('sh -c ') && command.includes('FNH1')) return 'probe (sh -c <script>)';
  const words = command
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, WORDS_KEPT + 1);
  const shown = words.slice(0, WORDS_KEPT).map(redactWord);
  return words.length > WORDS_KEPT ? `${shown.join(' ')} …` : shown.join(' ');
}

function redactWord(word: string): string {
  if (/(pass(word)?|secret|token|key|auth)[^=]*=/i.test(word)) return word.replace(/=.*/, '=***');
  if (/^['"]?[A-Za-z0-9+/=_-]{32,}['"]?$/.test(word)) return '***';
  return word.length > 64 ? `${word.slice(0, 61)}...` : word;
}
