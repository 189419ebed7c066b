import 'server-only';
import { findAction } from '../catalog';
import type { NodeEvidence } from '../ports';
import { validateParams } from '../render';
import { commandsForNode } from './node-commands';
import { remediationTargetSchema } from '../request';
import { hasRole } from '../../auth/roles';
import { AppError, errorMessage } from '../../errors';
import type { UserRow } from '../../auth/store/users';
import type { RemediationRuntime } from './runtime';

export interface Preview {
  action: { id: string; title: string; description: string; needsApproval: boolean; requiredRole: string; timeoutMs: number; check: string };
  params: Record<string, string | number | boolean>;
  /** whether this user may request it (a viewer sees the preview but not the run button) */
  allowed: boolean;
  nodes: {
    node: string;
    /** empty when refused */
    commands: string[];
    /** why these commands, when they were chosen from what the node reports (its connection mode) */
    chosenBecause?: string;
    /** why the action cannot run on this node; the request would be refused too */
    refusal?: string;
    evidence: NodeEvidence | null;
    evidenceError?: string;
  }[];
}

/**
 * Dry run: the exact command lines that would run on each node, and the current evidence there. An action
 * that depends on the node's connection mode reads it from the node now (read-only), so the preview shows
 * what the request would record.
 */
export async function previewRemediation(rt: RemediationRuntime, user: UserRow, raw: unknown): Promise<Preview> {
  const parsed = remediationTargetSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      'bad_request',
      'invalid preview request',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  const action = findAction(parsed.data.action);
  if (!action) throw new AppError('bad_request', 'unknown action');
  const valid = validateParams(action, parsed.data.params);
  if (!valid.ok) throw new AppError('unprocessable', 'invalid parameters', valid.problems);
  const nodes: Preview['nodes'] = [];
  for (const node of parsed.data.nodes) {
    if (!(await rt.health.exists(node))) throw new AppError('not_found', `unknown node ${node}`);
    // A dashboard without an agent: the request would be refused where no live agent holds the lease.
    const unplaced = rt.placement ? await rt.placement.refusal(node) : null;
    const chosen = unplaced ? { ok: false as const, refusal: unplaced } : await commandsForNode(rt, action, valid.params, node);
    const plan = chosen.ok
      ? { commands: chosen.commands.map((c) => c.line), ...(chosen.chosenBecause ? { chosenBecause: chosen.chosenBecause } : {}) }
      : { commands: [], refusal: chosen.refusal };
    try {
      nodes.push({ node, ...plan, evidence: await rt.health.evidence(node) });
    } catch (err) {
      nodes.push({ node, ...plan, evidence: null, evidenceError: errorMessage(err) });
    }
  }
  const check = action.check.kind === 'verdicts-cleared' ? `after a fresh poll, no ${action.check.verdicts.join('/')} remains` : 'every command exits 0';
  return {
    action: {
      id: action.id,
      title: action.title,
      description: action.description,
      needsApproval: action.needsApproval,
      requiredRole: action.requiredRole,
      timeoutMs: action.timeoutMs,
      check,
    },
    params: valid.params,
    allowed: hasRole(user.role, action.requiredRole),
    nodes,
  };
}
