import 'server-only';
import { connectionStatusArgv, describeModeChoice, readUnicastMode } from '../connection-mode';
import type { ParamValue } from '../params';
import { dependsOnUnicastMode, renderAction, type RenderedCommand } from '../render';
import type { ActionDefinition } from '../types';
import type { RemediationRuntime } from './runtime';
import { errorMessage } from '../../errors';

// The exact commands of an action on one node. Most actions render from their parameters alone; an
// action that depends on the node's connection mode (reconnect-daemon) reads it from the node first,
// live over the node's SSH connection, because a stored poll can be minutes old and a request waiting for
// approval even older. The run re-reads it as its first command (render.ts) and stops if it changed.

/** The status read is small and local: a short timeout and a small cap. */
export const statusReadTimeoutMs = 10_000;
export const statusReadMaxBytes = 64 * 1024;

export type NodeCommands =
  | {
      ok: true;
      commands: RenderedCommand[];
      params: Record<string, ParamValue>;
      /** why these commands, when read from the node */ chosenBecause: string | null;
    }
  | { ok: false; refusal: string };

export async function commandsForNode(
  rt: RemediationRuntime,
  action: ActionDefinition,
  params: Record<string, ParamValue>,
  node: string,
): Promise<NodeCommands> {
  if (!dependsOnUnicastMode(action.commands)) {
    const r = renderAction(action, params);
    return r.ok ? { ok: true, commands: r.commands, params: r.params, chosenBecause: null } : { ok: false, refusal: r.problems.join('; ') };
  }
  let reading;
  try {
    const result = await rt.executor.run(node, connectionStatusArgv, { timeoutMs: statusReadTimeoutMs, maxBytes: statusReadMaxBytes });
    reading = readUnicastMode(result);
  } catch (err) {
    reading = { ok: false as const, reason: `could not read the daemon's status: ${errorMessage(err)}` };
  }
  if (!reading.ok) return { ok: false, refusal: `${action.title} refused: ${reading.reason}` };
  const r = renderAction(action, params, { unicastMode: reading.mode });
  if (!r.ok) return { ok: false, refusal: r.problems.join('; ') };
  const connect = r.commands[r.commands.length - 1]!;
  return { ok: true, commands: r.commands, params: r.params, chosenBecause: describeModeChoice(reading, connect.argv) };
}
