import { shellJoin } from '../probe/shell-quote';
import type { ParamValue } from './params';
import type { ActionDefinition, ArgTemplate } from './types';

// Turns an action plus untrusted parameters into argv vectors. Parameters are validated by the
// action's zod schema first; then, as a second independent fence, every rendered word must be a plain
// word that needs no quoting at all. The command line shown in the preview and written to the audit is
// shellJoin(argv): exactly the text the node's shell receives.

const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

export interface RenderedCommand {
  argv: string[];
  line: string;
}

export type RenderResult =
  | { ok: true; params: Record<string, ParamValue>; commands: RenderedCommand[] }
  | { ok: false; problems: string[] };

export function renderAction(action: ActionDefinition, rawParams: unknown): RenderResult {
  const parsed = action.params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`) };
  }
  const params = parsed.data as Record<string, ParamValue>;
  const commands: RenderedCommand[] = [];
  for (const template of action.commands) {
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
