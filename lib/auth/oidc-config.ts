import { z } from 'zod';
import { parseRoleMap, type OidcRoleMapping } from './oidc-claims';
import { DEFAULT_OIDC_ROLE_CLAIM, DEFAULT_OIDC_SCOPES } from '../settings/settings';

// OpenID Connect sign-in is configured by environment; without FNH_OIDC_ISSUER only local accounts work.
export interface OidcConfig {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  scopes: string;
  mapping: OidcRoleMapping;
}

const envSchema = z.object({
  FNH_OIDC_ISSUER: z.url(),
  FNH_OIDC_CLIENT_ID: z.string().min(1),
  FNH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  FNH_OIDC_REDIRECT_URI: z.url(),
  FNH_OIDC_SCOPES: z.string().default(DEFAULT_OIDC_SCOPES),
  FNH_OIDC_ROLE_CLAIM: z.string().min(1).default(DEFAULT_OIDC_ROLE_CLAIM),
  FNH_OIDC_ROLE_MAP: z.string().min(1),
});

export function oidcConfigFromEnv(env: Readonly<Record<string, string | undefined>>): OidcConfig | undefined {
  if (!env.FNH_OIDC_ISSUER) return undefined;
  const e = envSchema.parse(env);
  return {
    issuer: new URL(e.FNH_OIDC_ISSUER),
    clientId: e.FNH_OIDC_CLIENT_ID,
    clientSecret: e.FNH_OIDC_CLIENT_SECRET,
    redirectUri: e.FNH_OIDC_REDIRECT_URI,
    scopes: e.FNH_OIDC_SCOPES,
    mapping: { claim: e.FNH_OIDC_ROLE_CLAIM, values: parseRoleMap(e.FNH_OIDC_ROLE_MAP) },
  };
}

/** A local username for an IdP user: preferred_username or email local part, else a stable id from sub. */
export function usernameFromClaims(claims: Readonly<Record<string, unknown>>, subjectHash: string): string {
  for (const key of ['preferred_username', 'email']) {
    const v = claims[key];
    if (typeof v !== 'string') continue;
    const candidate = v
      .toLowerCase()
      .split('@')[0]!
      .replace(/[^a-z0-9._-]/g, '');
    if (/^[a-z0-9][a-z0-9._-]{1,63}$/.test(candidate)) return `oidc.${candidate}`.slice(0, 64);
  }
  return `oidc.${subjectHash.slice(0, 16)}`;
}

/**
 * Plain http is accepted only to a provider on this machine (127.0.0.0/8, ::1, localhost): an IdP
 * sidecar or a test provider. Anything that crosses a network must be https, so tokens and the
 * JWKS cannot be read or swapped on the way.
 */
export function mayUsePlainHttp(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host));
}
