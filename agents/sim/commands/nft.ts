import { deleteNftRule } from '../mutations';
import { renderNftRuleset } from '../render/nft';
import type { SimNodeState } from '../state';
import { fail, ok, type CommandResult } from './result';

// `nft -j list ruleset` and `nft delete rule inet filter output handle N` (root only).

export function runNft(state: SimNodeState, argv: readonly string[], nowMs: number, root: boolean): CommandResult {
  if (!root) return fail(1, 'netlink: Error: cache initialization failed: Operation not permitted\n');
  const flags = new Set<string>();
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) flags.add(argv[i]!);
  const words = argv.slice(i);
  if (words.join(' ') === 'list ruleset') {
    if (!flags.has('-j') && !flags.has('--json')) return fail(1, 'nft: only -j (JSON) output is simulated on this node\n');
    return ok(renderNftRuleset(state));
  }
  const del = /^delete rule inet filter (input|forward|output) handle (\d{1,9})$/.exec(words.join(' '));
  if (del) {
    if (del[1] !== 'output' || !deleteNftRule(state, Number(del[2]), nowMs)) {
      return fail(
        1,
        `Error: Could not process rule: No such file or directory\ndelete rule inet filter ${del[1]} handle ${del[2]}\n${'^'.repeat(words.join(' ').length)}\n`,
      );
    }
    return ok('');
  }
  return fail(1, `Error: syntax error, unexpected end of file\n${words.join(' ')}\n`);
}
