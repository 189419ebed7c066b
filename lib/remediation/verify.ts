import type { NodeEvidence } from './ports';
import type { ActionCheck } from './types';

// Did the action work? Judged from the evidence after the automatic re-poll, never from exit codes
// alone (a restart can exit 0 and leave the stale sessions in place).

export interface VerificationInput {
  check: ActionCheck;
  before: NodeEvidence;
  after: NodeEvidence;
  exitCodes: readonly (number | null)[];
  /** the peer the operator came from (alert link or peer cell); without it the whole node is judged */
  targetPeer: string | null;
}

export interface Verification {
  verified: boolean;
  summary: string;
}

export function judgeVerification(input: VerificationInput): Verification {
  const { check, before, after, exitCodes, targetPeer } = input;
  if (exitCodes.some((c) => c !== 0)) return { verified: false, summary: `a command failed (exit codes ${exitCodes.map(String).join(', ')})` };
  if (check.kind === 'commands-succeeded') return { verified: true, summary: `all ${exitCodes.length} commands exited 0` };

  if (after.collectedAt === null || (before.collectedAt !== null && after.collectedAt <= before.collectedAt)) {
    return { verified: false, summary: 'no fresh poll after the action: cannot tell whether it worked' };
  }
  const scope = (e: NodeEvidence) => (targetPeer === null ? e.verdicts : e.verdicts.filter((v) => v.peer === targetPeer));
  const bad = new Set<string>(check.verdicts);
  const afterScope = scope(after);
  if (afterScope.some((v) => v.verdict === 'unknown')) return { verified: false, summary: 'the node could not be diagnosed after the action' };
  const remaining = afterScope.filter((v) => bad.has(v.verdict));
  const had = scope(before).filter((v) => bad.has(v.verdict));
  const where = targetPeer === null ? 'the node' : `peer ${targetPeer}`;
  if (remaining.length > 0) {
    const list = remaining
      .slice(0, 5)
      .map((v) => `${v.peer}: ${v.verdict}`)
      .join(', ');
    return { verified: false, summary: `still ${remaining.length} peer(s) with ${[...bad].join('/')} on ${where} (${list})` };
  }
  if (had.length === 0) return { verified: true, summary: `no ${[...bad].join('/')} on ${where} before or after` };
  return { verified: true, summary: `${had.length} peer(s) with ${[...bad].join('/')} on ${where} before, none after` };
}
