import type { Client, ClientChannel } from 'ssh2';
import { SshError, summarizeCommand } from './errors';
import type { ByteBudget, ReplyCharge } from './byte-budget';
import type { ExecLimits } from './exec';

// A long-lived command on one channel that answers request lines on its stdin with replies ended by
// a known line on its stdout (lib/probe/serve.ts). One request at a time; the reply is capped and
// has a deadline like an exec. Any byte from the node while no request is pending, a reply over the
// cap, a timeout or the command ending breaks the session for good: the caller closes it and opens
// another (or goes back to one exec per request). With a budget, a reply's bytes are charged to the
// agent-wide ByteBudget as they arrive and released when the reply is handed over or fails.

export class LineSession {
  private readonly channel: ClientChannel;
  private readonly host: string;
  private readonly summary: string;
  private pending:
    | {
        end: Buffer;
        limits: ExecLimits;
        chunks: Buffer[];
        bytes: number;
        tail: Buffer;
        resolve: (b: Buffer) => void;
        reject: (e: SshError) => void;
        timer: NodeJS.Timeout;
        charge: ReplyCharge | undefined;
      }
    | undefined;
  private broken: SshError | undefined;
  private exitCode: number | null = null;

  private constructor(channel: ClientChannel, host: string, summary: string) {
    this.channel = channel;
    this.host = host;
    this.summary = summary;
    channel.on('data', (chunk: Buffer) => this.onData(chunk));
    // The loop's own stderr carries nothing we need (each section's stderr is in its reply): drop it.
    channel.stderr.on('data', () => undefined);
    channel.on('exit', (code: number | null) => {
      this.exitCode = typeof code === 'number' ? code : null;
    });
    channel.on('error', (e: Error) =>
      this.break(new SshError('protocol', `session channel error on ${host}: ${e.message}`, { host, command: summary }, { cause: e })),
    );
    channel.on('close', () =>
      this.break(
        new SshError('closed', `the session on ${host} ended (exit ${this.exitCode ?? 'unknown'})`, { host, command: summary, exitCode: this.exitCode }),
      ),
    );
  }

  static open(client: Client, command: string, host: string, timeoutMs: number): Promise<LineSession> {
    const summary = summarizeCommand(command);
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        reject(new SshError('command-timeout', `no session channel on ${host} within ${timeoutMs} ms`, { host, command: summary }));
      }, timeoutMs);
      client.exec(command, (err, ch) => {
        clearTimeout(timer);
        if (done) {
          if (ch) ch.close();
          return;
        }
        done = true;
        if (err) reject(new SshError('protocol', `cannot open a session channel on ${host}: ${err.message}`, { host, command: summary }, { cause: err }));
        else resolve(new LineSession(ch, host, summary));
      });
    });
  }

  get usable(): boolean {
    return this.broken === undefined;
  }

  /** A request is waiting for its reply. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Sends `line` and resolves with the reply's bytes before `endLine` (which must end with a newline). */
  request(line: string, endLine: string, limits: ExecLimits, budget?: ByteBudget): Promise<Buffer> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending)
      return Promise.reject(new SshError('protocol', `a request is already pending on ${this.host}`, { host: this.host, command: this.summary }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.break(new SshError('command-timeout', `no reply within ${limits.timeoutMs} ms on ${this.host}`, { host: this.host, command: this.summary })),
        limits.timeoutMs,
      );
      // Matched at the start of the reply or after a newline, so a marker can only be a whole line.
      this.pending = {
        end: Buffer.from(`\n${endLine}`),
        limits,
        chunks: [],
        bytes: 0,
        tail: Buffer.from('\n'),
        resolve,
        reject,
        timer,
        charge: budget?.open(this.host, this.summary),
      };
      this.channel.write(line);
    });
  }

  close(): void {
    this.break(new SshError('closed', `the session on ${this.host} was closed`, { host: this.host, command: this.summary }));
  }

  private onData(chunk: Buffer): void {
    const p = this.pending;
    if (!p) {
      this.break(new SshError('protocol', `${this.host} sent output with no request pending`, { host: this.host, command: this.summary }));
      return;
    }
    if (p.bytes + chunk.length > p.limits.maxBytes + p.end.length) {
      this.break(new SshError('output-too-large', `output exceeded ${p.limits.maxBytes} bytes on ${this.host}`, { host: this.host, command: this.summary }));
      return;
    }
    const refused = p.limits.inspect?.(chunk);
    if (refused) {
      this.break(new SshError('output-too-large', `${refused} on ${this.host}`, { host: this.host, command: this.summary }));
      return;
    }
    const overBudget = p.charge?.add(chunk.length);
    if (overBudget) {
      this.break(overBudget);
      return;
    }
    p.chunks.push(chunk);
    p.bytes += chunk.length;
    // Search only the new bytes plus the few before them that could begin the end line.
    const window = Buffer.concat([p.tail, chunk]);
    const at = window.indexOf(p.end);
    if (at < 0) {
      p.tail = window.subarray(Math.max(0, window.length - p.end.length));
      return;
    }
    const endOfReply = p.bytes - chunk.length - p.tail.length + at + 1; // keep the newline before the end line
    const afterEnd = endOfReply + p.end.length - 1;
    if (afterEnd !== p.bytes) {
      this.break(new SshError('protocol', `${this.host} sent output after the end of a reply`, { host: this.host, command: this.summary }));
      return;
    }
    this.pending = undefined;
    clearTimeout(p.timer);
    p.charge?.release();
    p.resolve(Buffer.concat(p.chunks).subarray(0, Math.max(0, endOfReply)));
  }

  private break(err: SshError): void {
    if (this.broken) return;
    this.broken = err;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.charge?.release();
      p.chunks.length = 0;
      p.reject(err);
    }
    this.channel.removeAllListeners('data');
    this.channel.on('error', () => undefined);
    try {
      this.channel.signal('KILL');
    } catch {
      // already closing
    }
    this.channel.close();
  }
}
