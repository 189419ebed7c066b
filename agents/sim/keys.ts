import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import ssh2, { type ParsedKey } from 'ssh2';
import { z } from 'zod';

// ssh2 is CommonJS: under Node's ESM loader (tsx) only its default export is reliably there.
const { utils } = ssh2;

// ed25519 keys in OpenSSH format: one host key per node (kept in the fleet folder so a restarted
// demo keeps its pinned keys) and the client key the agent logs in with.

export interface KeyPair {
  /** OpenSSH private key (PEM-like text) */
  privateKey: string;
  /** `ssh-ed25519 AAAA...` */
  publicKey: string;
}

/**
 * A fresh ed25519 key pair. ssh2 1.17's generator yields a private key its own parser rejects
 * ("Malformed OpenSSH private key") about 3 times in 1,000, so every key is read back before use.
 */
export function generateKeyPair(comment: string): KeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const k = utils.generateKeyPairSync('ed25519', { comment });
    const pair = { privateKey: k.private, publicKey: k.public };
    if (isUsableKeyPair(pair)) return pair;
  }
  throw new Error('could not generate a usable ed25519 key');
}

function isUsableKeyPair(pair: KeyPair): boolean {
  return !(utils.parseKey(pair.privateKey) instanceof Error) && !(utils.parseKey(pair.publicKey) instanceof Error);
}

export function parsePublicKey(publicKey: string): ParsedKey {
  const parsed = utils.parseKey(publicKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key) throw new Error('no key in public key text');
  return key;
}

/** `ssh-ed25519 AAAA...` without the comment, as known_hosts wants it. */
export function knownHostsKey(publicKey: string): string {
  const key = parsePublicKey(publicKey);
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

const hostKeyFileSchema = z.record(z.string(), z.object({ privateKey: z.string().min(1), publicKey: z.string().min(1) }));

/** Host keys by node name, read from `file` when present; missing ones are generated and saved. */
export function loadOrCreateHostKeys(file: string, names: readonly string[]): Map<string, KeyPair> {
  const stored = existsSync(file) ? hostKeyFileSchema.safeParse(readJsonOrNull(file)) : null;
  const keys = new Map<string, KeyPair>(stored?.success ? Object.entries(stored.data) : []);
  let changed = false;
  for (const name of names) {
    const have = keys.get(name);
    if (!have || !isUsableKeyPair(have)) {
      keys.set(name, generateKeyPair(`${name}-host`));
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(Object.fromEntries(keys)), { mode: 0o600 });
  return keys;
}

/** The client key: `file` (private, 0600) and `file.pub`, created when absent. */
export function loadOrCreateClientKey(file: string): KeyPair {
  if (existsSync(file) && existsSync(`${file}.pub`)) {
    const stored = { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
    if (isUsableKeyPair(stored)) return stored;
  }
  const pair = generateKeyPair('fnh@simulated-fleet');
  writeFileSync(file, pair.privateKey, { mode: 0o600 });
  writeFileSync(`${file}.pub`, pair.publicKey + '\n', { mode: 0o644 });
  return pair;
}

/** A damaged key file is regenerated, not fatal: it only holds simulated keys. */
function readJsonOrNull(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
