import { describe, expect, it } from 'vitest';
import { hashSessionToken, isWellFormedSessionToken, newSessionToken, sessionCookieOptions } from './session-token';

describe('session tokens', () => {
  it('are 256-bit random base64url strings, stored only as a hash', () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(a).not.toBe(b);
    expect(isWellFormedSessionToken(a)).toBe(true);
    expect(hashSessionToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(a)).not.toContain(a);
  });
  it('rejects malformed tokens before any lookup', () => {
    expect(isWellFormedSessionToken("x' or 1=1 --")).toBe(false);
    expect(isWellFormedSessionToken('')).toBe(false);
  });
  it('cookies are httpOnly and SameSite=Strict, secure over https', () => {
    expect(sessionCookieOptions(true)).toMatchObject({ httpOnly: true, sameSite: 'strict', secure: true, path: '/' });
    expect(sessionCookieOptions(false).secure).toBe(false);
  });
});
