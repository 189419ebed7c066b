import { hasRole, type Role } from './roles';

// Every server-side permission in one table, so a reviewer can read the whole policy at once.
export const permissions = {
  'fleet.view': 'viewer',
  'audit.view': 'viewer',
  'remediation.preview': 'viewer',
  'remediation.request': 'operator',
  'remediation.approve': 'approver',
  'user.manage': 'admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return hasRole(role, permissions[permission]);
}

export interface ApprovalCheck {
  approverRole: Role;
  approverId: string;
  requesterId: string;
}

/** A second person must approve: an approver (or admin) who is not the requester. */
export function approvalRefusal(check: ApprovalCheck): string | undefined {
  if (!can(check.approverRole, 'remediation.approve')) return 'approving needs the approver role';
  if (check.approverId === check.requesterId) return 'the requester cannot approve their own request';
  return undefined;
}
