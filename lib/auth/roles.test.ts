import { describe, expect, it } from 'vitest';
import { approvalRefusal, can } from './permissions';
import { hasRole, highestRole, roles } from './roles';

describe('roles', () => {
  it('are ordered viewer < operator < approver < admin', () => {
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('approver', 'operator')).toBe(true);
    expect(hasRole('admin', 'approver')).toBe(true);
    expect(hasRole('operator', 'approver')).toBe(false);
  });

  it('permission table: viewers look, operators run, approvers approve, admins manage users', () => {
    const table = roles.map((r) => [r, can(r, 'fleet.view'), can(r, 'remediation.request'), can(r, 'remediation.approve'), can(r, 'user.manage')]);
    expect(table).toEqual([
      ['viewer', true, false, false, false],
      ['operator', true, true, false, false],
      ['approver', true, true, true, false],
      ['admin', true, true, true, true],
    ]);
  });

  it('approval needs a second person with the approver role', () => {
    expect(approvalRefusal({ approverRole: 'approver', approverId: 'bob', requesterId: 'alice' })).toBeUndefined();
    expect(approvalRefusal({ approverRole: 'admin', approverId: 'alice', requesterId: 'alice' })).toMatch(/own request/);
    expect(approvalRefusal({ approverRole: 'operator', approverId: 'bob', requesterId: 'alice' })).toMatch(/approver role/);
  });

  it('highest role of several', () => {
    expect(highestRole(['viewer', 'approver', 'operator'])).toBe('approver');
    expect(highestRole([])).toBeUndefined();
  });
});
