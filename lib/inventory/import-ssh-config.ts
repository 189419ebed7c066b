import type { ImportResult } from './ansible-model';
import { safeNodeName } from './ansible-model';
import { isWildcardPattern, matchPatternList } from './glob';
import type { InventoryNodeInput } from './schema';

// `~/.ssh/config` Host entries become nodes: HostName, User, Port, IdentityFile, ProxyJump.
// Like ssh, the first value of a keyword wins, from every Host block matching the alias
// (including `Host *`). Wildcard-only Host patterns are not nodes. Match blocks are skipped.

interface Block {
  /** null for the lines before the first Host/Match (they apply to every host) */
  patterns: string[] | null;
  isMatch: boolean;
  options: Array<[string, string]>;
}

export interface SshConfigImportOptions {
  /** for `~/` in IdentityFile */
  homeDir: string;
}

export function importSshConfig(text: string, opts: SshConfigImportOptions): ImportResult {
  const warnings: string[] = [];
  const blocks: Block[] = [{ patterns: null, isMatch: false, options: [] }];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) return;
    const keyword = m[1]!.toLowerCase();
    const args = splitArgs(m[2]!);
    if (keyword === 'host') blocks.push({ patterns: args, isMatch: false, options: [] });
    else if (keyword === 'match') blocks.push({ patterns: [], isMatch: true, options: [] });
    else if (keyword === 'include') warnings.push(`line ${i + 1}: Include ${args.join(' ')} not followed`);
    else blocks[blocks.length - 1]!.options.push([keyword, args.join(' ')]);
  });

  const aliases: string[] = [];
  for (const b of blocks) for (const p of b.patterns ?? []) if (!isWildcardPattern(p) && !aliases.includes(p)) aliases.push(p);

  const nodes: InventoryNodeInput[] = [];
  for (const alias of aliases) {
    const get = (kw: string): string | undefined => {
      for (const b of blocks) {
        if (b.isMatch) continue;
        if (b.patterns && !matchPatternList(b.patterns, alias)) continue;
        const hit = b.options.find(([k]) => k === kw);
        if (hit) return hit[1];
      }
      return undefined;
    };
    const name = safeNodeName(alias);
    if (name !== alias) warnings.push(`Host "${alias}" renamed to "${name}"`);
    const node: Record<string, unknown> = { name, host: (get('hostname') ?? alias).replace(/%h/g, alias) };
    const port = get('port');
    if (port !== undefined) node.port = Number(port);
    const user = get('user');
    if (user) node.user = user;
    const identity = get('identityfile');
    if (identity) node.keyPath = identity.replace(/^~(?=\/|$)/, opts.homeDir);
    const jump = get('proxyjump');
    if (jump && jump.toLowerCase() !== 'none') {
      if (jump.includes(',')) {
        warnings.push(`Host "${alias}" skipped: ProxyJump with several hops (${jump}) is not supported; make each hop a node`);
        continue;
      }
      node.proxyJump = jump.replace(/^ssh:\/\//, '');
    }
    nodes.push(node as InventoryNodeInput);
  }
  return { inventory: { nodes }, warnings };
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2]!);
  return out;
}
