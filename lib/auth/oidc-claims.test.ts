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

describe('OIDC configuration and usernames', () => {
  it('is off without an issuer and strict with one', async () => {
    const { oidcConfigFromEnv } = await import('./oidc-config');
    expect(oidcConfigFromEnv({})).toBeUndefined();
    expect(() => oidcConfigFromEnv({ FNH_OIDC_ISSUER: 'https://idp.example' })).toThrow();
    const c = oidcConfigFromEnv({
      FNH_OIDC_ISSUER: 'https://idp.example',
      FNH_OIDC_CLIENT_ID: 'fnh',
      FNH_OIDC_REDIRECT_URI: 'https://fnh.example/api/auth/oidc/callback',
      FNH_OIDC_ROLE_MAP: 'noc=operator',
    });
    expect(c?.mapping).toEqual({ claim: 'groups', values: { noc: 'operator' } });
  });
  it('derives a plain, prefixed username that cannot collide with local accounts', async () => {
    const { usernameFromClaims } = await import('./oidc-config');
    expect(usernameFromClaims({ preferred_username: 'Alice.Smith' }, 'ab'.repeat(32))).toBe('oidc.alice.smith');
    expect(usernameFromClaims({ email: 'bob@example.com' }, 'ab'.repeat(32))).toBe('oidc.bob');
    expect(usernameFromClaims({ preferred_username: '<script>' }, 'cd'.repeat(32))).toBe('oidc.script');
    expect(usernameFromClaims({}, 'cd'.repeat(32))).toBe('oidc.cdcdcdcdcdcdcdcd');
  });
});
