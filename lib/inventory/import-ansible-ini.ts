import { addAnsibleHost, ansibleGroup, ansibleModelToInventory, emptyAnsibleModel, type AnsibleVars, type ImportResult } from './ansible-model';

// Ansible INI inventory: `[group]` host lines with `key=value` vars, `[group:vars]`,
// `[group:children]`, hosts before any section are `ungrouped`. Numeric ranges like
// `node[01:03]` are expanded.
export function importAnsibleIni(text: string): ImportResult {
  const model = emptyAnsibleModel();
  const warnings: string[] = [];
  let group = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(line);
    if (section) {
      group = section[1]!.trim();
      kind = (section[2] as 'vars' | 'children' | undefined) ?? 'hosts';
      ansibleGroup(model, group);
      return;
    }
    const words = splitWords(line);
    if (kind === 'children') {
      ansibleGroup(model, group).children.add(words[0]!);
      ansibleGroup(model, words[0]!);
    } else if (kind === 'vars') {
      Object.assign(ansibleGroup(model, group).vars, parseVars(words));
    } else {
      const vars = parseVars(words.slice(1));
      const hosts = expandRange(words[0]!);
      if (!hosts) {
        warnings.push(`line ${i + 1}: host pattern "${words[0]}" not understood, skipped`);
        return;
      }
      for (const host of hosts) addAnsibleHost(model, group, host, vars);
    }
  });
  const result = ansibleModelToInventory(model);
  return { inventory: result.inventory, warnings: [...warnings, ...result.warnings] };
}

/** Words separated by blanks; single/double quotes group, `#` starts a comment outside quotes. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '#' && !inWord) {
      break;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function parseVars(words: readonly string[]): AnsibleVars {
  const vars: AnsibleVars = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const value = w.slice(eq + 1);
    vars[w.slice(0, eq)] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return vars;
}

/** `web[01:03].x` -> web01.x web02.x web03.x; undefined for a pattern we do not support. */
function expandRange(pattern: string): string[] | undefined {
  const m = /^([^[\]]*)\[(\d+):(\d+)\]([^[\]]*)$/.exec(pattern);
  if (!m) return /[[\]]/.test(pattern) ? undefined : [pattern];
  const [, pre, from, to, post] = m as unknown as [string, string, string, string, string];
  const width = from.length;
  const out: string[] = [];
  for (let n = Number(from); n <= Number(to) && out.length < 10_000; n++) out.push(`${pre}${String(n).padStart(width, '0')}${post}`);
  return out;
}
