import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { z } from 'zod';
import { roleFromClaims } from '../oidc-claims';
import { describeOidcFailure } from '../oidc-errors';
import { mayUsePlainHttp, oidcConfigFromEnv, usernameFromClaims, type OidcConfig } from '../oidc-config';
import { getDb } from '../../db';
import { AppError } from '../../errors';
import { appendAudit } from '../../audit/store/append';
import { openSession, type SignedIn } from './sign-in';
import { userColumns, type UserRow } from './users';

// Authorization code flow with PKCE, state and nonce (openid-client). The role comes from one claim
// through FNH_OIDC_ROLE_MAP on every sign-in, so removing someone from the IdP group takes effect at
// their next sign-in. Proven end to end against a provider in tests/oidc/oidc-sign-in.int.test.ts.

export const oidcTxCookieName = 'fnh_oidc_tx';

let discovered: { key: string; config: Promise<client.Configuration> } | undefined;

function requireConfig(): OidcConfig {
  const c = oidcConfigFromEnv(process.env);
  if (!c) throw new AppError('not_found', 'OpenID Connect sign-in is not configured');
  return c;
}

async function discover(c: OidcConfig): Promise<client.Configuration> {
  // The secret is part of the key: the Configuration holds it, so a changed secret needs a new one.
  const key = JSON.stringify([c.issuer.href, c.clientId, c.clientSecret ?? null]);
  if (discovered?.key !== key) {
    const execute = mayUsePlainHttp(c.issuer) ? [client.allowInsecureRequests] : [];
    const config = client.discovery(c.issuer, c.clientId, c.clientSecret, undefined, { execute }).then((found) => {
      refusePlainHttpEndpoints(found);
      // openid-client does not check an ID token's signature when it comes from the token endpoint
      // (OIDC Core 3.1.3.7 lets TLS stand in); this app checks it anyway against the provider's JWKS,
      // so a token the provider did not sign is refused even if the token exchange was intercepted.
      client.enableNonRepudiationChecks(found);
      return found;
    });
    discovered = { key, config };
    config.catch(() => {
      discovered = undefined;
    });
  }
  return discovered.config.catch((err: unknown) => {
    throw new AppError('internal', `the identity provider at ${c.issuer.href} cannot be used: ${describeOidcFailure(err)}`);
  });
}

/** allowInsecureRequests applies to every endpoint; only those on this machine may actually be plain http. */
function refusePlainHttpEndpoints(config: client.Configuration): void {
  const m = config.serverMetadata();
  for (const endpoint of [m.authorization_endpoint, m.token_endpoint, m.jwks_uri, m.userinfo_endpoint]) {
    if (endpoint === undefined) continue;
    const url = new URL(endpoint);
    if (url.protocol !== 'https:' && !mayUsePlainHttp(url)) throw new Error(`OpenID provider endpoint ${url.origin} is not https`);
  }
}

/**
 * Cookies of the sign-in are Secure when the browser is on https. Behind a TLS-terminating proxy the
 * request the handler sees is plain http, but an https redirect URI says where the browser really is.
 */
export function oidcCookiesSecure(requestIsHttps: boolean): boolean {
  return requestIsHttps || new URL(requireConfig().redirectUri).protocol === 'https:';
}

export function oidcEnabled(): boolean {
  return oidcConfigFromEnv(process.env) !== undefined;
}

/** Where to send the browser, and the transaction secrets to keep in a short-lived httpOnly cookie. */
export async function beginOidcSignIn(): Promise<{ url: string; tx: string }> {
  const c = requireConfig();
  const config = await discover(c);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: c.redirectUri,
    scope: c.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, tx: Buffer.from(JSON.stringify({ verifier, state, nonce }), 'utf8').toString('base64url') };
}

const txSchema = z.object({ verifier: z.string().min(43), state: z.string().min(1), nonce: z.string().min(1) });

function readTx(txCookie: string | undefined): z.infer<typeof txSchema> {
  if (!txCookie) throw new AppError('bad_request', 'sign-in expired; start again');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(txCookie, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const tx = txSchema.safeParse(raw);
  if (!tx.success) throw new AppError('bad_request', 'sign-in state is corrupt; start again');
  return tx.data;
}

function refused(err: unknown): never {
  throw new AppError('unauthorized', `identity provider refused the sign-in: ${describeOidcFailure(err)}`);
}

/**
 * `requestUrl` is only read for the query the provider appended. The token request must name exactly
 * the redirect_uri the authorization request named (RFC 6749 4.1.3), and behind a reverse proxy the
 * URL the handler sees (internal host, http) is not that, so the configured one is used.
 */
export async function completeOidcSignIn(requestUrl: URL, txCookie: string | undefined, now: Date): Promise<SignedIn> {
  const c = requireConfig();
  const tx = readTx(txCookie);
  const callbackUrl = new URL(c.redirectUri);
  callbackUrl.search = requestUrl.search;
  const config = await discover(c);
  const tokens = await client
    .authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce })
    .catch(refused);
  const idToken = tokens.claims();
  if (!idToken) refused(new Error('the provider returned no ID token'));
  // Who the user is comes from the signed ID token alone; userinfo may supply the role claim (some
  // providers keep groups out of the token) but never overrides what the ID token says.
  let claims: Record<string, unknown> = { ...idToken };
  if (!(c.mapping.claim in claims) && tokens.access_token) {
    claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub).catch(refused)), ...idToken };
  }
  const role = roleFromClaims(claims, c.mapping);
  if (!role) throw new AppError('forbidden', `your identity provider account has no role here (claim ${c.mapping.claim})`);
  const subject = `${idToken.iss}|${idToken.sub}`;
  const username = usernameFromClaims(claims, createHash('sha256').update(subject).digest('hex'));

  const db = await getDb();
  return db.transaction(async (t) => {
    const existing = await t.query<UserRow>(`select ${userColumns} from users where oidc_subject = $1`, [subject]);
    let user = existing.rows[0];
    if (user) {
      if (user.disabled) throw new AppError('forbidden', 'this account is disabled');
      if (user.role !== role) user = (await t.query<UserRow>(`update users set role = $2 where id = $1 returning ${userColumns}`, [user.id, role])).rows[0]!;
    } else {
      const ins = await t.query<UserRow>(
        `insert into users (id, username, role, source, oidc_subject) values ($1, $2, $3, 'oidc', $4) on conflict (username) do nothing returning ${userColumns}`,
        [randomUUID(), username, role, subject],
      );
      user = ins.rows[0];
      if (!user) throw new AppError('conflict', `the username ${username} is taken`);
      await appendAudit(t, {
        at: now,
        actor: { username: 'system', role: 'system' },
        node: null,
        entry: { type: 'user.created', username, role, via: 'oidc' },
      });
    }
    return openSession(t, user, 'oidc', now);
  });
}
