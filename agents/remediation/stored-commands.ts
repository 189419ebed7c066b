import { findAction } from '../../lib/remediation/catalog';
import { unicastModes } from '../../lib/remediation/connection-mode';
import type { ParamValue } from '../../lib/remediation/params';
import { dependsOnUnicastMode, renderAction, type RenderedCommand } from '../../lib/remediation/render';

// An agent runs what another process (a dashboard) stored. Before it does, it renders the action again
// from the catalog with the stored parameters and runs the stored commands only if they are exactly one of
// those renderings (for a mode-dependent action, the rendering for one of the modes): whoever can write the
// store can still only ask for catalog actions with valid parameters, as through the dashboard.

export type StoredCommandsCheck = { ok: true } | { ok: false; why: string };

export function checkStoredCommands(actionId: string, params: Record<string, ParamValue>, stored: readonly RenderedCommand[]): StoredCommandsCheck {
  const action = findAction(actionId);
  if (!action) return { ok: false, why: `action ${JSON.stringify(actionId)} is not in this agent's catalog` };
  const renderings = dependsOnUnicastMode(action.commands)
    ? unicastModes.map((unicastMode) => renderAction(action, params, { unicastMode }))
    : [renderAction(action, params)];
  const problems: string[] = [];
  const want = shape(stored);
  for (const r of renderings) {
    if (!r.ok) {
      problems.push(...r.problems);
      continue;
    }
    if (shape(r.commands) === want) return { ok: true };
  }
  if (problems.length > 0) return { ok: false, why: `the stored parameters do not render: ${problems.join('; ')}` };
  return { ok: false, why: `the stored commands are not what the catalog renders for ${action.id} with these parameters` };
}

function shape(commands: readonly RenderedCommand[]): string {
  return JSON.stringify(commands.map((c) => [c.argv, c.line, c.expectUnicastMode ?? null]));
}
