import { describe, expect, it } from 'vitest';
import { mayUsePlainHttp, oidcConfigFromEnv } from './oidc-config';

describe('mayUsePlainHttp', () => {
  it('allows plain http only to this machine', () => {
    for (const ok of ['http://127.0.0.1:8080/oidc', 'http://127.4.5.6/', 'http://localhost:9000/realms/noc', 'http://[::1]:8080/'])
      expect(mayUsePlainHttp(new URL(ok)), ok).toBe(true);
    for (const no of ['http://10.0.0.5/oidc', 'http://idp.example/', 'http://127.0.0.1.evil.example/', 'http://localhost.evil.example/', 'https://127.0.0.1/'])
      expect(mayUsePlainHttp(new URL(no)), no).toBe(false);
  });
});

describe('oidcConfigFromEnv', () => {
  it('is off without an issuer and parses the role map with the groups claim by default', () => {
    expect(oidcConfigFromEnv({})).toBeUndefined();
    const c = oidcConfigFromEnv({
      FNH_OIDC_ISSUER: 'https://idp.example/realms/noc',
      FNH_OIDC_CLIENT_ID: 'fnh',
      FNH_OIDC_REDIRECT_URI: 'https://noc.example/api/auth/oidc/callback',
      FNH_OIDC_ROLE_MAP: 'noc=operator',
    });
    expect(c?.mapping).toEqual({ claim: 'groups', values: { noc: 'operator' } });
    expect(c?.clientSecret).toBeUndefined();
  });

  it('refuses a half-configured setup instead of silently disabling sign-in', () => {
    expect(() => oidcConfigFromEnv({ FNH_OIDC_ISSUER: 'https://idp.example' })).toThrow();
  });
});
