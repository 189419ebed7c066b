import { knownHostsKey } from './keys';

// The files a fleet writes for the agent: the inventory (YAML, paths relative to it) and an
// OpenSSH known_hosts that pins every node's host key.

export interface InventoryEntry {
  name: string;
  host: string;
  port: number;
  site: string;
  tags: readonly string[];
}

// Names, hosts, sites and tags of simulated nodes are [A-Za-z0-9._-] only, so plain YAML scalars are safe.
const SAFE = /^[A-Za-z0-9._:/-]+$/;

function scalar(v: string): string {
  if (!SAFE.test(v)) throw new Error(`unsafe inventory value: ${JSON.stringify(v)}`);
  return v;
}

export function renderInventory(entries: readonly InventoryEntry[], user: string, keyFile: string, knownHostsFile: string): string {
  const lines = [
    '# Simulated fleet (agents/sim). Generated: edits are overwritten when the fleet starts.',
    `defaults: { user: ${scalar(user)}, keyPath: ./${scalar(keyFile)}, knownHostsPath: ./${scalar(knownHostsFile)} }`,
    'nodes:',
    ...entries.map(
      (e) => `  - { name: ${scalar(e.name)}, host: ${scalar(e.host)}, port: ${e.port}, site: ${scalar(e.site)}, tags: [${e.tags.map(scalar).join(', ')}] }`,
    ),
  ];
  return lines.join('\n') + '\n';
}

/** `[host]:port keytype base64`, the form OpenSSH writes for a non-22 port. */
export function renderKnownHosts(entries: readonly { host: string; port: number; publicKey: string }[]): string {
  return entries.map((e) => `${e.port === 22 ? e.host : `[${e.host}]:${e.port}`} ${knownHostsKey(e.publicKey)}\n`).join('');
}
