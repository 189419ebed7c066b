import type { Client } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { Inventory, InventoryNode } from '../../lib/inventory/schema';
import { shellJoin } from '../../lib/probe/shell-quote';
import { ByteBudget } from './byte-budget';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff';
import { openConnection, type ConnectTarget } from './connect';
import { SshError, summarizeCommand } from './errors';
import { execCapped, type ExecLimits, type ExecResult } from './exec';
import { readKnownHostsText } from './known-hosts-file';
import { LineSession } from './line-session';

// One long-lived SSH connection per node, shared by every poll and remediation command:
// connects lazily, reconnects with capped exponential backoff, recycles a connection after a
// command timeout or an output overflow, and refuses every command to a node whose host key
// changed until its known_hosts file is edited (re-pinned).

export interface PoolOptions {
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  now?: () => number;
  /**
   * Reply bytes every command and probe reply of this pool may hold at once (default
   * DEFAULT_BYTE_BUDGET); pass a ByteBudget to share one ceiling between pools.
   */
  byteBudget?: ByteBudget | number;
}

export type ConnectionStatus = 'idle' | 'connecting' | 'ready' | 'backoff' | 'host-key-changed';

export interface ConnectionState {
  status: ConnectionStatus;
  failures: number;
  /** epoch ms before which no reconnect is attempted */
  retryAt?: number;
  lastError?: SshError;
}

interface Entry {
  target: ConnectTarget;
  /** name of the pool entry to tunnel through, if any */
  jump?: string;
  client?: Client;
  connecting?: Promise<Client>;
  failures: number;
  retryAt: number;
  lastError?: SshError;
  /** known_hosts content when the key change was seen: an edit of the file is the re-pin */
  hostKeyChanged?: { knownHostsText: string; error: SshError };
}

export interface RunCommandOptions extends ExecLimits {
  /** return a non-zero exit as a result instead of an `exit-nonzero` error */
  allowNonZero?: boolean;
}

export class SshPool {
  private readonly entries = new Map<string, Entry>();
  /** long-lived sessions by connection and command; they end with their connection */
  private readonly sessions = new WeakMap<Client, Map<string, LineSession>>();
  /** connections on which a session command failed to run: one exec per request there */
  private readonly noSessions = new WeakSet<Client>();
  private readonly opts: Required<Omit<PoolOptions, 'byteBudget'>>;
  /** the in-flight output ceiling shared by every node's replies */
  readonly byteBudget: ByteBudget;
  private closed = false;

  constructor(inventory: Inventory, opts: PoolOptions = {}) {
    this.opts = {
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      backoff: opts.backoff ?? defaultBackoff,
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now,
    };
    this.byteBudget = opts.byteBudget instanceof ByteBudget ? opts.byteBudget : new ByteBudget(opts.byteBudget);
    this.setInventory(inventory);
  }

  /** Replaces the node list; connections of nodes that changed or left are closed. */
  setInventory(inventory: Inventory): void {
    const wanted = new Map<string, { target: ConnectTarget; jump?: string }>();
    for (const node of inventory.nodes) {
      const spec = entrySpec(node);
      wanted.set(node.name, spec.main);
      if (spec.addressJump) wanted.set(spec.addressJump.name, spec.addressJump.spec);
    }
    for (const [name, entry] of this.entries) {
      const next = wanted.get(name);
      if (!next || JSON.stringify(next) !== JSON.stringify({ target: entry.target, ...(entry.jump ? { jump: entry.jump } : {}) })) {
        void this.drop(name);
      }
    }
    for (const [name, spec] of wanted) {
      if (!this.entries.has(name)) this.entries.set(name, { ...spec, failures: 0, retryAt: 0 });
    }
  }

  /** `host:port` of a node, for messages. */
  address(name: string): string {
    return hostOf(this.entry(name).target);
  }

  nodeNames(): string[] {
    return [...this.entries.keys()];
  }

  state(name: string): ConnectionState {
    const e = this.entry(name);
    if (e.hostKeyChanged) return { status: 'host-key-changed', failures: e.failures, lastError: e.hostKeyChanged.error };
    const status: ConnectionStatus = e.client ? 'ready' : e.connecting ? 'connecting' : e.retryAt > this.opts.now() ? 'backoff' : 'idle';
    return { status, failures: e.failures, ...(e.retryAt > this.opts.now() ? { retryAt: e.retryAt } : {}), ...(e.lastError ? { lastError: e.lastError } : {}) };
  }

  /** Opens the node's connection if it is not open (a poll uses this to split its time budget). */
  async ensureConnected(name: string): Promise<void> {
    await this.connection(name);
  }

  /** Runs a command string (already quoted) and returns its raw output. A non-zero exit is a result, not an error. */
  async exec(name: string, command: string, limits: ExecLimits): Promise<ExecResult> {
    const entry = this.entry(name);
    const client = await this.connection(name);
    try {
      const result = await execCapped(client, command, limits, hostOf(entry.target), this.byteBudget);
      if (result.exitCode === null && result.signal === undefined) {
        throw new SshError('closed', `${name}: the command ended without an exit status (connection lost?)`, {
          host: hostOf(entry.target),
          command: summarizeCommand(command),
        });
      }
      return result;
    } catch (err) {
      // After a timeout or an overflow the connection may be wedged or still streaming: start fresh.
      if (err instanceof SshError && ['command-timeout', 'output-too-large', 'closed', 'protocol'].includes(err.kind)) this.recycle(name);
      throw err;
    }
  }

  /**
   * Sends one request line to a long-lived `command` on the node's connection (started on first use)
   * and returns the reply before `endLine`. Fails with SshErrors like exec; after a timeout or an
   * overflow the connection is recycled, after any other failure `sessionUsable` is false for it.
   */
  async converse(name: string, command: string, line: string, endLine: string, limits: ExecLimits): Promise<Buffer> {
    const entry = this.entry(name);
    const client = await this.connection(name);
    let byCommand = this.sessions.get(client);
    if (!byCommand) this.sessions.set(client, (byCommand = new Map()));
    if (byCommand.get(command)?.busy) {
      // Another request to the same node is in flight (callers normally avoid this): leave it alone.
      throw new SshError('protocol', `${name}: the session is busy with another request`, { host: hostOf(entry.target), command: summarizeCommand(command) });
    }
    try {
      let session = byCommand.get(command);
      if (!session?.usable) {
        session = await LineSession.open(client, command, hostOf(entry.target), limits.timeoutMs);
        byCommand.set(command, session);
      }
      return await session.request(line, endLine, limits, this.byteBudget);
    } catch (err) {
      byCommand.get(command)?.close();
      byCommand.delete(command);
      if (err instanceof SshError && ['command-timeout', 'output-too-large'].includes(err.kind)) this.recycle(name);
      else this.noSessions.add(client);
      throw err;
    }
  }

  /** False once a long-lived session failed on the node's current connection (a new connection tries again). */
  sessionUsable(name: string): boolean {
    const client = this.entry(name).client;
    return !client || !this.noSessions.has(client);
  }

  /** Runs argv (each word quoted for the remote shell). Remediation runs its commands through this. */
  async runCommand(name: string, argv: readonly string[], opts: RunCommandOptions): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
    if (argv.length === 0) throw new Error('runCommand needs a command');
    const command = shellJoin(argv);
    const res = await this.exec(name, command, opts);
    const out = { stdout: res.stdout.toString('utf8'), stderr: res.stderr.toString('utf8'), exitCode: res.exitCode };
    if (!opts.allowNonZero && res.exitCode !== 0) {
      const host = hostOf(this.entry(name).target);
      throw new SshError('exit-nonzero', `${name}: ${summarizeCommand(command)} exited with ${res.exitCode ?? res.signal ?? 'no status'}`, {
        host,
        command: summarizeCommand(command),
        exitCode: res.exitCode,
        stderr: out.stderr,
      });
    }
    return out;
  }

  /** Closes every connection; the pool refuses work afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const ends = [...this.entries.keys()].map((name) => this.drop(name));
    await Promise.all(ends);
  }

  private entry(name: string): Entry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`unknown node ${JSON.stringify(name)}`);
    return e;
  }

  private async connection(name: string): Promise<Client> {
    if (this.closed) throw new SshError('closed', 'the SSH pool is closed', { host: name });
    const e = this.entry(name);
    if (e.client) return e.client;
    if (e.connecting) return e.connecting;
    if (e.hostKeyChanged) {
      const now = await readKnownHostsText(e.target.knownHostsPath);
      if (now === e.hostKeyChanged.knownHostsText) throw e.hostKeyChanged.error;
      // The operator edited known_hosts: allow one new attempt (the key is checked again).
      e.hostKeyChanged = undefined;
      e.retryAt = 0;
    }
    if (e.retryAt > this.opts.now() && e.lastError) {
      const wait = Math.ceil((e.retryAt - this.opts.now()) / 1000);
      throw new SshError(e.lastError.kind, `${e.lastError.message} (next attempt in ${wait} s)`, { host: e.lastError.host });
    }
    const attempt = this.connectEntry(name, e);
    e.connecting = attempt;
    try {
      const client = await attempt;
      e.client = client;
      e.failures = 0;
      e.retryAt = 0;
      e.lastError = undefined;
      const forget = () => {
        if (e.client === client) e.client = undefined;
      };
      client.on('close', forget);
      client.on('end', forget);
      client.on('error', forget);
      return client;
    } catch (err) {
      const error = err instanceof SshError ? err : new SshError('protocol', `${name}: ${(err as Error).message}`, { host: hostOf(e.target) }, { cause: err });
      e.failures++;
      e.lastError = error;
      if (error.kind === 'host-key-changed' && error.host === hostOf(e.target)) {
        e.hostKeyChanged = { knownHostsText: await readKnownHostsText(e.target.knownHostsPath), error };
      } else {
        e.retryAt = this.opts.now() + backoffDelay(e.failures, this.opts.backoff, this.opts.random);
      }
      throw error;
    } finally {
      e.connecting = undefined;
    }
  }

  private async connectEntry(name: string, e: Entry): Promise<Client> {
    let sock: Duplex | undefined;
    if (e.jump) {
      const jumpClient = await this.connection(e.jump).catch((err: unknown) => {
        const inner = err instanceof SshError ? err : undefined;
        // Named after the jump host: the target's own key was never checked.
        throw new SshError(inner?.kind ?? 'protocol', `${name}: jump host ${e.jump} unavailable: ${(err as Error).message}`, {
          host: inner?.host ?? e.jump ?? '',
        });
      });
      sock = await forward(jumpClient, e.target, this.opts.connectTimeoutMs, name);
    }
    return openConnection(e.target, {
      connectTimeoutMs: this.opts.connectTimeoutMs,
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs,
      keepaliveCountMax: this.opts.keepaliveCountMax,
      ...(sock ? { sock } : {}),
    });
  }

  private recycle(name: string): void {
    const e = this.entries.get(name);
    if (!e?.client) return;
    const client = e.client;
    e.client = undefined;
    client.end();
    // A wedged peer may never answer the disconnect: do not wait for it.
    setTimeout(() => client.destroy(), 1_000).unref();
  }

  private async drop(name: string): Promise<void> {
    const e = this.entries.get(name);
    this.entries.delete(name);
    const client = e?.client ?? (await e?.connecting?.catch(() => undefined));
    if (!client) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        client.destroy();
        resolve();
      }, 1_000);
      client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      client.end();
    });
  }
}

function hostOf(t: ConnectTarget): string {
  return `${t.host}:${t.port}`;
}

function forward(jump: Client, target: ConnectTarget, timeoutMs: number, name: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new SshError('connect-timeout', `${name}: jump host did not open a tunnel to ${hostOf(target)} within ${timeoutMs} ms`, { host: hostOf(target) }),
        ),
      timeoutMs,
    );
    jump.forwardOut('127.0.0.1', 0, target.host, target.port, (err, stream) => {
      clearTimeout(timer);
      if (err)
        reject(new SshError('connect-refused', `${name}: jump host cannot reach ${hostOf(target)}: ${err.message}`, { host: hostOf(target) }, { cause: err }));
      else resolve(stream);
    });
  });
}

/** The pool entries a node needs: itself, and for an address jump host a private entry for it. */
function entrySpec(node: InventoryNode): {
  main: { target: ConnectTarget; jump?: string };
  addressJump?: { name: string; spec: { target: ConnectTarget } };
} {
  const target: ConnectTarget = {
    label: node.name,
    host: node.host,
    port: node.port,
    user: node.user,
    ...(node.keyPath ? { keyPath: node.keyPath } : {}),
    useAgent: node.useAgent,
    knownHostsPath: node.knownHostsPath,
    trustOnFirstUse: node.trustOnFirstUse,
  };
  const pj = node.proxyJump;
  if (!pj) return { main: { target } };
  if (pj.kind === 'node') return { main: { target, jump: pj.name } };
  // `~` cannot appear in node names, so this entry never collides with a real node.
  const jumpName = `${node.name}~jump`;
  return {
    main: { target, jump: jumpName },
    addressJump: {
      name: jumpName,
      spec: { target: { ...target, label: `${node.name} (jump ${pj.host}:${pj.port})`, host: pj.host, port: pj.port, user: pj.user ?? node.user } },
    },
  };
}
