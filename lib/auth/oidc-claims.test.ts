import { describe, expect, it } from 'vitest';
import { parseRoleMap, roleFromClaims } from './oidc-claims';

const mapping = { claim: 'groups', values: parseRoleMap('noc-admins=admin, noc-leads=approver, noc=operator, staff=viewer') };

describe('OIDC role mapping from a claim', () => {
  it('maps a group list to the highest mapped role', () => {
    expect(roleFromClaims({ groups: ['staff', 'noc'] }, mapping)).toBe('operator');
    expect(roleFromClaims({ groups: ['noc-leads', 'noc-admins'] }, mapping)).toBe('admin');
  });
  it('accepts a single string claim', () => {
    expect(roleFromClaims({ groups: 'noc-leads' }, mapping)).toBe('approver');
  });
  it('no mapped value, a missing claim or a wrong type means no access', () => {
    expect(roleFromClaims({ groups: ['finance'] }, mapping)).toBeUndefined();
    expect(roleFromClaims({}, mapping)).toBeUndefined();
    expect(roleFromClaims({ groups: 42 }, mapping)).toBeUndefined();
    expect(roleFromClaims({ groups: [{ name: 'noc' }] }, mapping)).toBeUndefined();
  });
  it('is not fooled by prototype keys', () => {
    expect(roleFromClaims({ groups: ['toString', 'constructor', '__proto__'] }, mapping)).toBeUndefined();
  });
  it('refuses a malformed role map', () => {
    expect(() => parseRoleMap('noc=root')).toThrow(/unknown role/);
    expect(() => parseRoleMap('noc')).toThrow(/value=role/);
  });
});
