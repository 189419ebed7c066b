import path from 'node:path';
import type { InventoryIssue } from './errors';
import type { Inventory, InventoryInput, InventoryNode, ProxyJump } from './schema';

// Applies defaults, makes paths absolute (relative to the inventory file's folder) and checks
// what a per-field schema cannot: unique names, a user for every node, jump hosts that exist
// and do not loop. Pure: `baseDir` is given, nothing is read.

export interface ResolveContext {
  file: string;
  /** absolute folder relative paths are resolved against */
  baseDir: string;
  /** for `~/` in key and known_hosts paths; without it `~` is an ordinary folder name */
  homeDir?: string;
  /** line of a field, for messages (0 when unknown) */
  lineOf: (path: readonly PropertyKey[]) => number;
}

export type ResolveResult = { ok: true; inventory: Inventory } | { ok: false; issues: InventoryIssue[] };

export function resolveInventory(input: InventoryInput, ctx: ResolveContext): ResolveResult {
  const issues: InventoryIssue[] = [];
  const issue = (p: readonly PropertyKey[], field: string, message: string) => issues.push({ file: ctx.file, line: ctx.lineOf(p), field, message });
  const d = input.defaults ?? {};
  const abs = (p: string) => {
    if (ctx.homeDir && (p === '~' || p.startsWith('~/'))) return path.join(ctx.homeDir, p.slice(1));
    return path.isAbsolute(p) ? path.normalize(p) : path.join(ctx.baseDir, p);
  };
  const names = new Set(input.nodes.map((n) => n.name));
  const seen = new Map<string, number>();
  const nodes: InventoryNode[] = [];

  input.nodes.forEach((n, i) => {
    const first = seen.get(n.name);
    if (first !== undefined) issue(['nodes', i, 'name'], `nodes[${i}].name`, `duplicate node name "${n.name}" (first at nodes[${first}])`);
    else seen.set(n.name, i);
    const user = n.user ?? d.user;
    if (!user) issue(['nodes', i], `nodes[${i}].user`, 'required (set it on the node or in defaults.user)');
    const keyPath = n.keyPath ?? d.keyPath;
    let proxyJump: ProxyJump | undefined;
    if (n.proxyJump !== undefined) {
      proxyJump = parseProxyJump(n.proxyJump, names);
      if (proxyJump.kind === 'address' && !(proxyJump.port >= 1 && proxyJump.port <= 65535)) {
        issue(['nodes', i, 'proxyJump'], `nodes[${i}].proxyJump`, 'expected a port 1-65535');
      }
      if (proxyJump.kind === 'node' && proxyJump.name === n.name) {
        issue(['nodes', i, 'proxyJump'], `nodes[${i}].proxyJump`, 'a node cannot be its own jump host');
      }
    }
    nodes.push({
      name: n.name,
      host: n.host,
      port: n.port ?? d.port ?? 22,
      user: user ?? '',
      ...(n.site !== undefined ? { site: n.site } : {}),
      tags: [...new Set(n.tags ?? [])],
      ...(keyPath !== undefined ? { keyPath: abs(keyPath) } : {}),
      knownHostsPath: abs(n.knownHostsPath ?? d.knownHostsPath ?? 'known_hosts'),
      useAgent: n.useAgent ?? d.useAgent ?? keyPath === undefined,
      trustOnFirstUse: n.trustOnFirstUse ?? d.trustOnFirstUse ?? false,
      ...(proxyJump ? { proxyJump } : {}),
    });
    if (!keyPath && (n.useAgent ?? d.useAgent) === false) {
      issue(['nodes', i], `nodes[${i}].keyPath`, 'no way to authenticate: set keyPath or useAgent');
    }
  });

  nodes.forEach((n, i) => {
    const cycle = jumpCycle(n.name, nodes);
    if (cycle) issue(['nodes', i, 'proxyJump'], `nodes[${i}].proxyJump`, `jump hosts loop: ${cycle.join(' -> ')}`);
  });

  return issues.length > 0 ? { ok: false, issues: issues.sort((a, b) => a.line - b.line) } : { ok: true, inventory: { source: ctx.file, nodes } };
}

/** A bare word naming an inventory node is that node; anything else is `[user@]host[:port]`. */
export function parseProxyJump(value: string, nodeNames: ReadonlySet<string>): ProxyJump {
  if (nodeNames.has(value)) return { kind: 'node', name: value };
  const at = value.lastIndexOf('@');
  const user = at >= 0 ? value.slice(0, at) : undefined;
  let rest = at >= 0 ? value.slice(at + 1) : value;
  let port = 22;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1]!;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      port = Number(rest.slice(colon + 1));
      rest = rest.slice(0, colon);
    }
  }
  return { kind: 'address', ...(user ? { user } : {}), host: rest, port };
}

function jumpCycle(start: string, nodes: readonly InventoryNode[]): string[] | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const chain = [start];
  let cur = byName.get(start);
  while (cur?.proxyJump?.kind === 'node') {
    const next = cur.proxyJump.name;
    if (chain.includes(next)) return [...chain, next];
    chain.push(next);
    cur = byName.get(next);
  }
  return undefined;
}
