import { z } from 'zod';

// Ordered from least to most trusted: each role can do everything the roles before it can.
export const roles = ['viewer', 'operator', 'approver', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export function roleRank(role: Role): number {
  return roles.indexOf(role);
}

/** True when `actual` is at least as trusted as `required`. */
export function hasRole(actual: Role, required: Role): boolean {
  return roleRank(actual) >= roleRank(required);
}

/** The most trusted role of a list (an OIDC user may be in several groups); undefined for none. */
export function highestRole(candidates: readonly Role[]): Role | undefined {
  let best: Role | undefined;
  for (const r of candidates) if (best === undefined || roleRank(r) > roleRank(best)) best = r;
  return best;
}
