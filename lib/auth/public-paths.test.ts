import { describe, expect, it } from 'vitest';
import { isPublicPath, safeNextPath, signInRedirect } from './public-paths';

describe('public paths', () => {
  it('lets only sign-in, health, the token-checked webhook and metrics through without a session', () => {
    for (const p of ['/login', '/api/auth/login', '/api/auth/logout', '/api/auth/oidc/login', '/api/auth/oidc/callback', '/api/health', '/api/alerts/alertmanager', '/metrics']) {
      expect(isPublicPath(p), p).toBe(true);
    }
    for (const p of ['/', '/nodes/dfw-mn-bm1', '/peers', '/api/fleet', '/api/nodes/x', '/api/auth/users', '/api/auth/me', '/api/alerts', '/audit', '/api/events', '/login/../api/fleet', '/metrics/x', '/api/healthz']) {
      expect(isPublicPath(p), p).toBe(false);
    }
  });

  it('never redirects off-site after sign-in', () => {
    expect(safeNextPath('/nodes/a?at=1')).toBe('/nodes/a?at=1');
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', undefined, ['/a']]) {
      expect(safeNextPath(bad)).toBe('/');
    }
    expect(signInRedirect('/triage/abc?x=1')).toBe('/login?next=%2Ftriage%2Fabc%3Fx%3D1');
    expect(signInRedirect('//evil')).toBe('/login?next=%2F');
  });
});
