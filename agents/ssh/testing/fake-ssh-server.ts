import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Server, type Connection, type ServerChannel } from 'ssh2';

// ssh2 servers that behave badly on purpose, for the agent's resilience tests. They accept any
// client authentication: what is under test is what the agent does with what they send.

export interface FakeSshServer {
  port: number;
  /** `ssh-ed25519 AAAA...` of the server's host key */
  hostPublicKey: string;
  /** TCP connections accepted so far */
  connections(): number;
  /** exec requests received so far (a host-key test asserts this stays 0) */
  execs(): string[];
  stop(): Promise<void>;
}

export type ExecBehaviour = (channel: ServerChannel, command: string) => void;

// ssh-keygen, not ssh2's generateKeyPairSync: the latter now and then writes an ed25519 key that
// ssh2's own parser rejects ("Malformed OpenSSH private key"), which made tests flaky.
export function newHostKey(): { privateKey: string; publicKey: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fnh-hostkey-'));
  try {
    const file = path.join(dir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', file]);
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startFakeSshServer(onExec: ExecBehaviour, hostKey = newHostKey()): Promise<FakeSshServer> {
  const execs: string[] = [];
  const clients = new Set<Connection>();
  let connections = 0;
  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    connections++;
    clients.add(client);
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
    client.on('authentication', (ctx) => ctx.accept());
    client.on('session', (accept) => {
      const session = accept();
      session.on('exec', (acceptExec, _reject, info) => {
        execs.push(info.command);
        const channel = acceptExec();
        channel.on('error', () => undefined);
        onExec(channel, info.command);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    hostPublicKey: hostKey.publicKey,
    connections: () => connections,
    execs: () => [...execs],
    async stop() {
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP and never says a word (not even the SSH banner). */
export async function startSilentServer(): Promise<{ port: number; connections(): number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Prints bytes that are not probe output, then exits 0. */
export const printGarbage: ExecBehaviour = (ch) => {
  ch.write(Buffer.from('Welcome!\n\x00\xff\xfe FNH1 ip-link !!notbase64!! x y\nrandom noise\n', 'latin1'));
  ch.exit(0);
  ch.end();
};

/** Writes as fast as the client lets it, forever; counts what the client accepted. */
export function flood(counter: { bytes: number }): ExecBehaviour {
  const chunk = Buffer.alloc(64 * 1024, 'A');
  return (ch) => {
    let open = true;
    ch.on('close', () => {
      open = false;
    });
    const pump = () => {
      while (open) {
        counter.bytes += chunk.length;
        if (!ch.write(chunk)) {
          ch.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
}

/** Accepts the command and never answers. */
export const hang: ExecBehaviour = () => undefined;
