import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isWildcardPattern, matchPatternList } from '../../lib/inventory/glob';

// OpenSSH known_hosts, pure: parse the text, decide whether a presented host key is known,
// unknown or changed, and format the line trust-on-first-use appends. Supports plain host
// patterns (`host`, `[host]:port`, globs, `!negation`), hashed entries (`|1|salt|hash`) and
// the `@revoked` marker; `@cert-authority` lines are ignored (we pin keys, not CAs).

export interface KnownHostEntry {
  /** 1-based line in the file, for messages */
  line: number;
  marker?: 'revoked';
  hosts: { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };
  keyType: string;
  key: Buffer;
}

const KEY_TYPES = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]!.startsWith('@')) marker = fields.shift();
    if (marker === '@cert-authority' || fields.length < 3) return;
    if (marker !== undefined && marker !== '@revoked') return;
    const [hostField, keyType, keyB64] = fields as [string, string, string];
    if (!KEY_TYPES.has(keyType) || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyB64)) return;
    const key = Buffer.from(keyB64, 'base64');
    if (keyTypeOfBlob(key) !== keyType) return;
    const hashed = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(hostField);
    entries.push({
      line: i + 1,
      ...(marker === '@revoked' ? { marker: 'revoked' as const } : {}),
      hosts: hashed
        ? { kind: 'hashed', salt: Buffer.from(hashed[1]!, 'base64'), hash: Buffer.from(hashed[2]!, 'base64') }
        : { kind: 'patterns', patterns: hostField.split(',') },
      keyType,
      key,
    });
  });
  return entries;
}

/** How OpenSSH names a host in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (entry.hosts.kind === 'hashed') {
    const mac = createHmac('sha1', entry.hosts.salt).update(name).digest();
    return mac.length === entry.hosts.hash.length && timingSafeEqual(mac, entry.hosts.hash);
  }
  return matchPatternList(entry.hosts.patterns, name);
}

/**
 * known_hosts parsed once and indexed: entries whose host field is only literal names (the usual
 * `host` / `[host]:port` lines) by lower-cased name; the others (hashed, globs, negations) are tried
 * one by one. A connection then holds only the few entries of its host, not the whole file.
 */
export interface KnownHostsIndex {
  byName: Map<string, KnownHostEntry[]>;
  scan: KnownHostEntry[];
}

export function indexKnownHosts(entries: readonly KnownHostEntry[]): KnownHostsIndex {
  const byName = new Map<string, KnownHostEntry[]>();
  const scan: KnownHostEntry[] = [];
  for (const e of entries) {
    if (e.hosts.kind === 'hashed' || e.hosts.patterns.some(isWildcardPattern)) {
      scan.push(e);
      continue;
    }
    for (const name of new Set(e.hosts.patterns.map((p) => p.toLowerCase()))) {
      const list = byName.get(name);
      if (list) list.push(e);
      else byName.set(name, [e]);
    }
  }
  return { byName, scan };
}

/** The entries that apply to `host:port`, in file order: exactly those `checkHostKey` would consider. */
export function entriesForHost(index: KnownHostsIndex, host: string, port: number): KnownHostEntry[] {
  const named = index.byName.get(knownHostsName(host, port).toLowerCase()) ?? [];
  const scanned = index.scan.filter((e) => entryMatchesHost(e, host, port));
  if (scanned.length === 0) return named;
  return [...named, ...scanned].sort((a, b) => a.line - b.line);
}

export type HostKeyVerdict =
  | { status: 'known'; line: number }
  | { status: 'unknown' }
  | { status: 'changed'; pinnedTypes: string[]; lines: number[] }
  | { status: 'revoked'; line: number };

/**
 * Any pinned key for the host that differs from the presented one means "changed": the agent
 * restricts negotiation to the pinned key types, so a different key is never just "another type".
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => entryMatchesHost(e, host, port));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const pinned = mine.filter((e) => e.marker === undefined);
  const same = pinned.find((e) => e.key.equals(key));
  if (same) return { status: 'known', line: same.line };
  if (pinned.length === 0) return { status: 'unknown' };
  return { status: 'changed', pinnedTypes: [...new Set(pinned.map((e) => e.keyType))], lines: pinned.map((e) => e.line) };
}

/** ssh2 server-host-key algorithm names that can present a key of these known_hosts types. */
export function hostKeyAlgorithmsFor(keyTypes: readonly string[]): string[] {
  return [...new Set(keyTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t])))];
}

export function pinnedKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port)).map((e) => e.keyType))];
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

export function formatKnownHostsLine(host: string, port: number, key: Buffer): string {
  const type = keyTypeOfBlob(key);
  if (!type || !KEY_TYPES.has(type)) throw new Error(`unsupported host key type ${JSON.stringify(type ?? '')}`);
  return `${knownHostsName(host, port)} ${type} ${key.toString('base64')}\n`;
}

/** SHA256 fingerprint as OpenSSH prints it, for messages. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}
