import type { Client, ClientChannel } from 'ssh2';
import type { ByteBudget } from './byte-budget';
import { SshError, summarizeCommand } from './errors';

// Runs one command on an open connection with a deadline and an output cap. Output beyond the
// cap is never buffered: reading stops, the channel is closed and the caller recycles the
// connection (the node may keep writing into a channel we no longer read). With a budget, stdout
// bytes are also charged to the agent-wide ByteBudget as they arrive and released when the result
// is handed over or the command fails.

export interface ExecLimits {
  timeoutMs: number;
  /** stdout bytes kept before the command is failed with `output-too-large` */
  maxBytes: number;
  /** stderr bytes kept (the rest is dropped silently: stderr is for messages only) */
  maxStderrBytes?: number;
  /** sees every stdout chunk as it arrives; a returned reason fails the command with `output-too-large` */
  inspect?: (chunk: Buffer) => string | undefined;
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  signal?: string;
}

export function execCapped(client: Client, command: string, limits: ExecLimits, host: string, budget?: ByteBudget): Promise<ExecResult> {
  const summary = summarizeCommand(command);
  const maxStderr = limits.maxStderrBytes ?? 64 * 1024;
  const charge = budget?.open(host, summary);
  const settledPromise = new Promise<ExecResult>((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let settled = false;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let exitCode: number | null = null;
    let signal: string | undefined;

    const stopChannel = () => {
      if (!channel) return;
      channel.removeAllListeners('data');
      channel.stderr.removeAllListeners('data');
      channel.on('error', () => undefined);
      try {
        channel.signal('KILL');
      } catch {
        // the channel may already be closing
      }
      channel.close();
    };
    const fail = (e: SshError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopChannel();
      out.length = 0; // what arrived so far is thrown away, not held until the promise is collected
      reject(e);
    };
    const timer = setTimeout(
      () =>
        fail(
          new SshError('command-timeout', `command did not finish within ${limits.timeoutMs} ms on ${host}`, {
            host,
            command: summary,
            stderr: Buffer.concat(err).toString('utf8'),
          }),
        ),
      limits.timeoutMs,
    );

    client.exec(command, (openErr, ch) => {
      if (openErr) {
        fail(
          new SshError(
            openErr.message.includes('Not connected') || openErr.message.includes('No response') ? 'closed' : 'protocol',
            `cannot open a session channel on ${host}: ${openErr.message}`,
            { host, command: summary },
            { cause: openErr },
          ),
        );
        return;
      }
      channel = ch;
      if (settled) {
        stopChannel();
        return;
      }
      ch.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (outBytes + chunk.length > limits.maxBytes) {
          fail(new SshError('output-too-large', `output exceeded ${limits.maxBytes} bytes on ${host}`, { host, command: summary }));
          return;
        }
        const refused = limits.inspect?.(chunk);
        if (refused) {
          fail(new SshError('output-too-large', `${refused} on ${host}`, { host, command: summary }));
          return;
        }
        const overBudget = charge?.add(chunk.length);
        if (overBudget) {
          fail(overBudget);
          return;
        }
        outBytes += chunk.length;
        out.push(chunk);
      });
      ch.stderr.on('data', (chunk: Buffer) => {
        if (settled || errBytes >= maxStderr) return;
        const keep = chunk.subarray(0, maxStderr - errBytes);
        errBytes += keep.length;
        err.push(keep);
      });
      ch.on('exit', (code: number | null, sig?: string) => {
        exitCode = typeof code === 'number' ? code : null;
        if (sig) signal = sig;
      });
      ch.on('error', (e: Error) => fail(new SshError('protocol', `channel error on ${host}: ${e.message}`, { host, command: summary }, { cause: e })));
      ch.on('close', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), exitCode, ...(signal ? { signal } : {}) });
      });
    });
  });
  // Whichever way it ends, the bytes are no longer ours to hold once the caller has them (or the error).
  return settledPromise.finally(() => charge?.release());
}
