import { randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import ssh2, { type Connection, type ParsedKey, type Server, type ServerChannel } from 'ssh2';
import { answerExecParts, serveLoopOf, type ReplyPart, type ServeLoop } from './exec';
import { generateKeyPair, type KeyPair } from './keys';
import type { NodePlan } from './scenarios';
import type { SimNodeState } from './state';

// One simulated node's SSH endpoint. `normal` answers from the state model; the other behaviours
// are hostile on purpose, for the agent's tests (a node that never speaks SSH, one that prints
// garbage, one that floods, one that is slow, one whose host key changes when it restarts).

export const SIM_USER = 'fnh';

// ssh2 is CommonJS: under Node's ESM loader (tsx) only its default export is reliably there.
const { Server: SshServer } = ssh2;

export interface NodeServerOptions {
  plan: NodePlan;
  state: SimNodeState;
  hostKey: KeyPair;
  clientKey: ParsedKey;
  host: string;
  /** 0 = any free port */
  port: number;
  /** the clock (ms epoch); tests may pin it */
  now: () => number;
}

export class SimNodeServer {
  readonly plan: NodePlan;
  readonly state: SimNodeState;
  hostKey: KeyPair;
  port: number;
  private readonly opts: NodeServerOptions;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly connections = new Set<Connection>();

  constructor(opts: NodeServerOptions) {
    this.opts = opts;
    this.plan = opts.plan;
    this.state = opts.state;
    this.hostKey = opts.hostKey;
    this.port = opts.port;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    // Nothing listens on an unreachable node's port (the fleet picks the number, see reserveClosedPorts).
    if (this.plan.behavior === 'unreachable') return;
    const server = this.plan.behavior === 'silent' ? net.createServer((s) => this.holdSilently(s)) : this.createSshServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of this.connections) c.end();
    for (const s of this.sockets) s.destroy();
    this.connections.clear();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stops and starts on the same port; a `rekey` node comes back with a new host key. */
  async restart(): Promise<void> {
    await this.stop();
    if (this.plan.behavior === 'rekey') this.hostKey = generateKeyPair(`${this.plan.name}-host`);
    await this.start();
  }

  private holdSilently(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private createSshServer(): Server {
    const server = new SshServer({ hostKeys: [this.hostKey.privateKey], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' }, (client) => this.onClient(client));
    return server;
  }

  private onClient(client: Connection): void {
    this.connections.add(client);
    // As sshd does (TCP_NODELAY on interactive sessions): no Nagle delay on small replies.
    // ssh2's server connection has setNoDelay at runtime; @types/ssh2 does not declare it.
    (client as Connection & { setNoDelay?: (noDelay: boolean) => unknown }).setNoDelay?.(true);
    client.on('error', () => undefined);
    client.on('close', () => this.connections.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== SIM_USER || !this.isClientKey(ctx.key.algo, ctx.key.data)) {
        ctx.reject(['publickey']);
        return;
      }
      // Without a signature the client only asks whether this key would do.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      if (this.opts.clientKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        // `ansible -m raw` (one of the tools the benchmark compares against) asks for a terminal and
        // gives up without one. Granted, and ignored: answers are the same bytes either way.
        session.on('pty', (accept) => accept?.());
        session.on('shell', (_a, reject) => reject());
        session.on('exec', (accept, _reject, info) => this.onExec(accept(), info.command));
      });
    });
  }

  private isClientKey(algo: string, data: Buffer): boolean {
    const want = this.opts.clientKey.getPublicSSH();
    return algo === this.opts.clientKey.type && data.length === want.length && timingSafeEqual(data, want);
  }

  private onExec(stream: ServerChannel, command: string): void {
    stream.on('error', () => undefined);
    switch (this.plan.behavior) {
      case 'garbage':
        stream.write(randomBytes(4096));
        return finish(stream, 0);
      case 'malformed':
        // Section lines that look right but are not: bad base64, then a section printed twice.
        stream.write('FNH1 ip-link not*base64 0 \nFNH1 hostname aG9zdAo= 0 \nFNH1 hostname aG9zdAo= 0 \n');
        return finish(stream, 0);
      case 'huge':
        return void streamHuge(stream, this.plan.hugeBytes);
      case 'slow': {
        const timer = setTimeout(() => this.answer(stream, command), this.plan.delayMs);
        stream.on('close', () => clearTimeout(timer));
        return;
      }
      default: {
        const loop = serveLoopOf(command);
        return loop ? this.serve(stream, loop) : this.answer(stream, command);
      }
    }
  }

  /** The probe loop: answers each request line on stdin until stdin ends or a request is malformed. */
  private serve(stream: ServerChannel, loop: ServeLoop): void {
    let buffered = '';
    let ended = false;
    // Replies go out one after another, each streamed with backpressure (a reply may be ~190 MB).
    let writing = Promise.resolve();
    const end = (code: number) => {
      if (ended) return;
      ended = true;
      if (!stream.destroyed) finish(stream, code);
    };
    stream.on('data', (chunk: Buffer) => {
      if (ended) return;
      buffered += chunk.toString('latin1');
      // A request line is ~700 bytes; a client that never sends a newline is cut off like sh's read would not be.
      if (buffered.length > 64 * 1024) return end(2);
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        writing = writing.then(async () => {
          if (ended || stream.destroyed) return;
          const r = loop.answerParts(this.state, line, this.opts.now());
          if ('exitCode' in r) return end(r.exitCode);
          await writeParts(stream, r.parts);
        });
      }
    });
    stream.on('end', () => void writing.then(() => end(0)));
  }

  private answer(stream: ServerChannel, command: string): void {
    if (stream.destroyed) return;
    const r = answerExecParts(this.state, command, this.opts.now());
    void writeParts(stream, r.stdout).then(() => {
      if (stream.destroyed) return;
      if (r.stderr) stream.stderr.write(r.stderr);
      finish(stream, r.exitCode);
    });
  }
}

function finish(stream: ServerChannel, exitCode: number): void {
  stream.exit(exitCode);
  stream.end();
}

/** Writes `total` bytes of text in chunks, waiting for the client to drain: never held in memory. */
async function streamHuge(stream: ServerChannel, total: number): Promise<void> {
  const chunk = Buffer.from('x'.repeat(1023) + '\n');
  let sent = 0;
  while (sent < total && !stream.destroyed) {
    const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
    sent += piece.length;
    await writeDrained(stream, piece);
  }
  if (!stream.destroyed) finish(stream, 0);
}

/** Writes each part in turn; a streamed part is rendered piece by piece as the client drains it. */
async function writeParts(stream: ServerChannel, parts: readonly ReplyPart[]): Promise<void> {
  for (const part of parts) {
    if (typeof part === 'string') {
      await writeDrained(stream, part);
      continue;
    }
    for (const piece of part) {
      if (stream.destroyed) return;
      await writeDrained(stream, piece);
    }
  }
}

function writeDrained(stream: ServerChannel, data: string | Buffer): Promise<void> {
  if (stream.destroyed || stream.write(data)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/**
 * Free port numbers for nodes where nothing listens. All probes stay open until every number is
 * taken, so no two nodes get the same one; then they close and the ports refuse connections.
 */
export async function reserveClosedPorts(host: string, count: number): Promise<number[]> {
  const probes: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const probe = net.createServer();
      probes.push(probe);
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(0, host, () => resolve());
      });
    }
    return probes.map((p) => {
      const addr = p.address();
      return addr && typeof addr === 'object' ? addr.port : 0;
    });
  } finally {
    await Promise.all(probes.map((p) => new Promise<void>((resolve) => p.close(() => resolve()))));
  }
}
