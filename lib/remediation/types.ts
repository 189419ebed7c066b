import type { z } from 'zod';
import type { Role } from '../auth/roles';
import type { UnicastMode } from './connection-mode';

// Verdicts as the diagnosis names them (docs/DESIGN.md "Verdicts"); kept as strings here so the action
// catalog does not depend on the diagnosis module's internals.
export const verdictNames = ['unknown', 'interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'healthy'] as const;
export type VerdictName = (typeof verdictNames)[number];

/** The check that proves an action worked, judged after the automatic re-poll. */
export type ActionCheck =
  /** none of these verdicts remain for the target peer (or, without a target, for any peer of the node) */
  | { kind: 'verdicts-cleared'; verdicts: readonly VerdictName[] }
  /** every command exited 0 (for read-only actions such as a capture) */
  | { kind: 'commands-succeeded' };

/** One command template: a fixed binary and argv words, some filled from validated parameters. */
export type ArgTemplate = string | { param: string };

/** argv templates, run in order; a failing command stops the rest */
export type CommandTemplates = readonly (readonly ArgTemplate[])[];

/**
 * Commands that depend on how the node is connected. The node's own status (connection-mode.ts) only
 * picks one of these fixed lists, none of its text becomes a word; the run re-reads it first and stops
 * if it changed. When the mode cannot be read the action is refused.
 */
export interface CommandsByUnicastMode {
  byUnicastMode: Readonly<Record<UnicastMode, CommandTemplates>>;
}

export interface ActionDefinition<P extends z.ZodObject = z.ZodObject> {
  id: string;
  title: string;
  description: string;
  params: P;
  commands: CommandTemplates | CommandsByUnicastMode;
  fitsVerdicts: readonly VerdictName[];
  requiredRole: Role;
  needsApproval: boolean;
  /** per command */
  timeoutMs: number;
  /**
   * Wait this long after the commands before the re-poll, so a problem that is still there has time to
   * show again (doublezerod logs a send failure at most once per 5 s for the whole daemon; liveness detects in 3 s).
   */
  settleMs: number;
  check: ActionCheck;
  /** sudoers pattern per parameter (sudo 1.9.10+ regex, without anchors); see sudoers.ts */
  sudoersPatterns: Readonly<Record<string, string>>;
}
