import { describe, expect, it } from 'vitest';
import { isPublicPath, safeNextPath, signInRedirect } from './public-paths';

describe('public paths', () => {
  it('lets only sign-in, health, the token-checked webhook and metrics through without a session', () => {
    for (const p of [
      '/login',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/oidc/login',
      '/api/auth/oidc/callback',
      '/api/health',
      '/api/alerts/alertmanager',
      '/metrics',
    ]) {
      expect(isPublicPath(p), p).toBe(true);
    }
    for (const p of [
      '/',
      '/nodes/dfw-mn-bm1',
      '/peers',
      '/api/fleet',
      '/api/nodes/x',
      '/api/auth/users',
      '/api/auth/me',
      '/api/alerts',
      '/audit',
      '/api/events',
      '/login/../api/fleet',
      '/metrics/x',
      '/api/healthz',
    ]) {
      expect(isPublicPath(p), p).toBe(false);
    }
  });

  it('signInRedirect keeps the page asked for, and never an off-site one', () => {
    expect(signInRedirect('/triage/abc?x=1')).toBe('/login?next=%2Ftriage%2Fabc%3Fx%3D1');
    expect(signInRedirect('//evil')).toBe('/login?next=%2F');
  });
});

// `next` arrives URL-decoded from the query string (`?next=/%09/evil.example` is "/\t/evil.example"). The
// browser's URL parser drops tabs and newlines and reads "\" as "/", so each of these would leave the site.
describe('safeNextPath: only a path that the URL parser resolves to this origin', () => {
  const offSite: Array<[string, unknown]> = [
    ['protocol-relative', '//evil.example/x'],
    ['backslash', '/\\evil.example'],
    ['absolute URL', 'https://evil.example'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['tab between the slashes (%09)', '/\t/evil.example/phish'],
    ['newline between the slashes (%0a)', '/\n/evil.example/phish'],
    ['carriage return (%0d)', '/\r/evil.example/phish'],
    ['tab then backslash (%09%5C)', '/\t\\evil.example/phish'],
    ['backslash then tab', '/\\\tevil.example/phish'],
    ['two backslashes', '\\\\evil.example'],
    ['leading tab', '\t//evil.example'],
    ['leading space', ' //evil.example'],
    ['scheme with a path', 'http:/evil.example'],
    ['relative path (not a path from the root)', 'nodes/a'],
    ['empty', ''],
    ['missing', undefined],
    ['array (repeated parameter)', ['/a']],
    ['number', 42],
  ];
  it.each(offSite)('refuses %s and falls back to /', (_name, raw) => {
    expect(safeNextPath(raw)).toBe('/');
  });

  const sameSite: Array<[string, string, string]> = [
    ['a page with a query', '/nodes/a?at=1', '/nodes/a?at=1'],
    ['the root', '/', '/'],
    ['a triage link with a fragment', '/triage/abc#cell', '/triage/abc#cell'],
    ['a path with encoded slashes in a parameter', '/remediation?next=%2F%2Fx', '/remediation?next=%2F%2Fx'],
    // what the browser would navigate to, not what was typed: the parser's own serialization
    ['dot segments', '/a/../nodes/b', '/nodes/b'],
    ['a tab inside a path segment', '/nodes/\ta', '/nodes/a'],
  ];
  it.each(sameSite)('keeps %s', (_name, raw, expected) => {
    expect(safeNextPath(raw)).toBe(expected);
  });
});
