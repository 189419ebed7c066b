import { shellJoin } from '../probe/shell-quote';
import { connectionStatusArgv, type UnicastMode } from './connection-mode';
import type { ParamValue } from './params';
import type { ActionDefinition, ArgTemplate, CommandTemplates, CommandsByUnicastMode } from './types';

// Turns an action plus untrusted parameters into argv vectors. Parameters are validated by the
// action's zod schema first; then, as a second independent fence, every rendered word must be a plain
// word that needs no quoting at all. The command line shown in the preview and written to the audit is
// shellJoin(argv): exactly the text the node's shell receives.
// An action whose commands depend on the node's connection mode also needs that mode, read from the
// node (connection-mode.ts); its run starts with the same read, which must still report that mode.

const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

export interface RenderedCommand {
  argv: string[];
  line: string;
  /** a read of the node's status: the run stops here unless it still reports this unicast mode */
  expectUnicastMode?: UnicastMode;
}

export type RenderResult = { ok: true; params: Record<string, ParamValue>; commands: RenderedCommand[] } | { ok: false; problems: string[] };

/** What was read from the node, for actions that need it. */
export interface NodeFacts {
  unicastMode: UnicastMode;
}

export function dependsOnUnicastMode(commands: ActionDefinition['commands']): commands is CommandsByUnicastMode {
  return 'byUnicastMode' in commands;
}

/** Every command template the action may run, whatever the node's mode (for sudoers and the catalog). */
export function allCommandTemplates(action: ActionDefinition): CommandTemplates {
  if (!dependsOnUnicastMode(action.commands)) return action.commands;
  const seen = new Set<string>();
  const out: (readonly ArgTemplate[])[] = [];
  for (const list of Object.values(action.commands.byUnicastMode)) {
    for (const t of list) {
      const key = JSON.stringify(t);
      if (!seen.has(key)) out.push(t);
      seen.add(key);
    }
  }
  return out;
}

/** The action's parameters checked against its schema (before any node is asked anything). */
export function validateParams(
  action: ActionDefinition,
  rawParams: unknown,
): { ok: true; params: Record<string, ParamValue> } | { ok: false; problems: string[] } {
  const parsed = action.params.safeParse(rawParams ?? {});
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`) };
  return { ok: true, params: parsed.data as Record<string, ParamValue> };
}

export function renderAction(action: ActionDefinition, rawParams: unknown, node?: NodeFacts): RenderResult {
  const valid = validateParams(action, rawParams);
  if (!valid.ok) return valid;
  const params = valid.params;
  const commands: RenderedCommand[] = [];
  let templates: CommandTemplates;
  if (dependsOnUnicastMode(action.commands)) {
    if (!node) return { ok: false, problems: [`${action.id} chooses its commands by the node's connection mode, which was not read`] };
    const argv = [...connectionStatusArgv];
    commands.push({ argv, line: shellJoin(argv), expectUnicastMode: node.unicastMode });
    templates = action.commands.byUnicastMode[node.unicastMode];
  } else {
    templates = action.commands;
  }
  for (const template of templates) {
    const argv = template.map((t) => fill(t, params));
    const bad = argv.find((w) => w === undefined || !plainWord.test(w));
    if (bad !== undefined || argv.some((w) => w === undefined)) {
      return { ok: false, problems: [`refusing to render a word that would need quoting: ${JSON.stringify(bad)}`] };
    }
    const words = argv as string[];
    commands.push({ argv: words, line: shellJoin(words) });
  }
  return { ok: true, params, commands };
}

function fill(t: ArgTemplate, params: Record<string, ParamValue>): string | undefined {
  if (typeof t === 'string') return t;
  const v = params[t.param];
  return v === undefined ? undefined : String(v);
}
