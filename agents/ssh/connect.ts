import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { SshError } from './errors';
import { appendKnownHost, readKnownHostsIndex } from './known-hosts-file';
import { checkHostKey, entriesForHost, fingerprint, formatKnownHostsLine, hostKeyAlgorithmsFor, pinnedKeyTypes } from './known-hosts';

// Opens one authenticated SSH connection, with the host key checked against known_hosts before
// any credential or command is sent. Every failure becomes a typed SshError.

export interface ConnectTarget {
  /** how the node is named in messages */
  label: string;
  host: string;
  port: number;
  user: string;
  keyPath?: string;
  useAgent: boolean;
  knownHostsPath: string;
  trustOnFirstUse: boolean;
}

export interface ConnectOptions {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** a stream to the target (a jump host's forwardOut); otherwise a TCP connection is made */
  sock?: Duplex;
}

/** ssh2's known host key algorithm names; pinned types outside this list are not negotiable. */
const SUPPORTED_HOST_KEY_ALGOS = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
]);

export async function openConnection(target: ConnectTarget, opts: ConnectOptions): Promise<Client> {
  const where = `${target.host}:${target.port}`;
  // Only this host's entries: the verifier below lives as long as the connection (ssh2 keeps it).
  const entries = entriesForHost(await readKnownHostsIndex(target.knownHostsPath), target.host, target.port);
  const pinnedTypes = pinnedKeyTypes(entries, target.host, target.port);
  const auth = await authConfig(target, where);

  let hostKeyFailure: SshError | undefined;
  let trustedOnFirstUse: Buffer | undefined;
  const hostVerifier = (key: Buffer): boolean => {
    const verdict = checkHostKey(entries, target.host, target.port, key);
    if (verdict.status === 'known') return true;
    if (verdict.status === 'unknown' && target.trustOnFirstUse) {
      trustedOnFirstUse = Buffer.from(key);
      return true;
    }
    // Connection errors are stored and shown to every signed-in user: the file by its name only (the
    // inventory says where it is), not the agent host's directory layout.
    const knownHosts = path.basename(target.knownHostsPath);
    hostKeyFailure =
      verdict.status === 'unknown'
        ? new SshError(
            'host-key-unknown',
            `${target.label}: host key ${fingerprint(key)} of ${where} is not in ${knownHosts} (pin it, or enable trustOnFirstUse for this node)`,
            { host: where },
          )
        : new SshError(
            'host-key-changed',
            verdict.status === 'revoked'
              ? `${target.label}: host key ${fingerprint(key)} of ${where} is revoked in ${knownHosts} line ${verdict.line}`
              : `${target.label}: HOST KEY CHANGED for ${where}: presented ${fingerprint(key)}, pinned in ${knownHosts} line ${verdict.lines.join(',')}. No command will be sent until the key is re-pinned.`,
            { host: where },
          );
    return false;
  };

  const client = new Client();
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    ...auth,
    ...(opts.sock ? { sock: opts.sock } : {}),
    readyTimeout: opts.connectTimeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs,
    keepaliveCountMax: opts.keepaliveCountMax,
    hostVerifier,
  };
  if (pinnedTypes.length > 0) {
    // Only negotiate the key types we have pinned: a server offering another type is a changed key.
    const algos = hostKeyAlgorithmsFor(pinnedTypes).filter((a) => SUPPORTED_HOST_KEY_ALGOS.has(a));
    if (algos.length > 0) config.algorithms = { serverHostKey: algos as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
  }

  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners('ready');
      client.on('error', () => undefined);
      client.destroy();
      reject(err);
    };
    // Our own deadline covers TCP connect, banner, key exchange and auth, whatever ssh2 does.
    const timer = setTimeout(
      () => fail(new SshError('connect-timeout', `${target.label}: no SSH session with ${where} within ${opts.connectTimeoutMs} ms`, { host: where })),
      opts.connectTimeoutMs,
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Small request/response exchanges: without this, Nagle + delayed ACK add ~40 ms per round trip.
      client.setNoDelay(true);
      resolve();
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      // A server that offers none of the pinned key types has replaced its key as far as we can tell.
      if (!hostKeyFailure && pinnedTypes.length > 0 && /no matching host key format/i.test(err.message)) {
        hostKeyFailure = new SshError(
          'host-key-changed',
          `${target.label}: HOST KEY CHANGED for ${where}: the server offers none of the pinned key types (${pinnedTypes.join(', ')}). No command will be sent until the key is re-pinned.`,
          { host: where },
        );
      }
      fail(hostKeyFailure ?? classifyConnectError(err, target.label, where, opts.connectTimeoutMs));
    });
    client.once('close', () =>
      fail(hostKeyFailure ?? new SshError('closed', `${target.label}: ${where} closed the connection during the handshake`, { host: where })),
    );
    client.connect(config);
  });

  if (trustedOnFirstUse) await appendKnownHost(target.knownHostsPath, formatKnownHostsLine(target.host, target.port, trustedOnFirstUse));
  return client;
}

async function authConfig(target: ConnectTarget, where: string): Promise<Pick<ConnectConfig, 'privateKey' | 'agent'>> {
  const out: Pick<ConnectConfig, 'privateKey' | 'agent'> = {};
  if (target.keyPath) {
    try {
      out.privateKey = await readFile(target.keyPath);
    } catch (err) {
      throw new SshError('auth-failed', `${target.label}: cannot read key file ${target.keyPath}: ${(err as Error).message}`, { host: where });
    }
  }
  const sock = process.env.SSH_AUTH_SOCK;
  if (target.useAgent && sock) out.agent = sock;
  if (!out.privateKey && !out.agent) {
    throw new SshError('auth-failed', `${target.label}: no key file and no ssh-agent (SSH_AUTH_SOCK) to authenticate with`, { host: where });
  }
  return out;
}

function classifyConnectError(err: Error & { level?: string; code?: string }, label: string, where: string, timeoutMs: number): SshError {
  const host = where;
  if (err.level === 'client-authentication')
    return new SshError('auth-failed', `${label}: authentication to ${where} failed (${err.message})`, { host }, { cause: err });
  if (err.level === 'client-timeout')
    return new SshError('connect-timeout', `${label}: no SSH handshake from ${where} within ${timeoutMs} ms`, { host }, { cause: err });
  if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
    return new SshError('connect-refused', `${label}: cannot reach ${where} (${err.code})`, { host }, { cause: err });
  }
  if (err.code === 'ETIMEDOUT') return new SshError('connect-timeout', `${label}: TCP connect to ${where} timed out`, { host }, { cause: err });
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
    return new SshError('closed', `${label}: ${where} closed the connection (${err.code})`, { host }, { cause: err });
  return new SshError('protocol', `${label}: SSH protocol error with ${where}: ${err.message.slice(0, 200)}`, { host }, { cause: err });
}
