import 'server-only';
import { createHash, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { roleFromClaims } from '../auth/oidc-claims';
import { oidcConfigFromEnv, usernameFromClaims, type OidcConfig } from '../auth/oidc-config';
import { getDb } from '../db';
import { AppError } from '../errors';
import { appendAudit } from './audit-append';
import { openSession, type SignedIn } from './auth-sign-in';
import { userColumns, type UserRow } from './auth-users';

// Authorization code flow with PKCE, state and nonce (openid-client). The role comes from one claim
// through FNH_OIDC_ROLE_MAP on every sign-in, so removing someone from the IdP group takes effect at
// their next sign-in. Not exercised against a real IdP in this repository's tests.

export const oidcTxCookieName = 'fnh_oidc_tx';

let discovered: { key: string; config: Promise<client.Configuration> } | undefined;

function requireConfig(): OidcConfig {
  const c = oidcConfigFromEnv(process.env);
  if (!c) throw new AppError('not_found', 'OpenID Connect sign-in is not configured');
  return c;
}

async function discover(c: OidcConfig): Promise<client.Configuration> {
  const key = `${c.issuer.href} ${c.clientId}`;
  if (discovered?.key !== key) {
    const config = client.discovery(c.issuer, c.clientId, c.clientSecret);
    discovered = { key, config };
    config.catch(() => {
      discovered = undefined;
    });
  }
  return discovered.config;
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

export async function completeOidcSignIn(currentUrl: URL, txCookie: string | undefined, now: Date): Promise<SignedIn> {
  const c = requireConfig();
  if (!txCookie) throw new AppError('bad_request', 'sign-in expired; start again');
  let tx: { verifier: string; state: string; nonce: string };
  try {
    tx = JSON.parse(Buffer.from(txCookie, 'base64url').toString('utf8')) as typeof tx;
  } catch {
    throw new AppError('bad_request', 'sign-in state is corrupt; start again');
  }
  const config = await discover(c);
  const tokens = await client
    .authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce })
    .catch((err: unknown) => {
      throw new AppError('unauthorized', `identity provider refused the sign-in: ${err instanceof Error ? err.message : 'unknown error'}`);
    });
  const claims = { ...(tokens.claims() ?? {}) } as Record<string, unknown>;
  if (!(c.mapping.claim in claims) && tokens.access_token && typeof claims.sub === 'string') {
    Object.assign(claims, await client.fetchUserInfo(config, tokens.access_token, claims.sub));
  }
  const role = roleFromClaims(claims, c.mapping);
  if (!role) throw new AppError('forbidden', `your identity provider account has no role here (claim ${c.mapping.claim})`);
  if (typeof claims.sub !== 'string' || typeof claims.iss !== 'string') throw new AppError('unauthorized', 'ID token without subject');
  const subject = `${claims.iss}|${claims.sub}`;
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
      await appendAudit(t, { at: now, actor: { username: 'system', role: 'system' }, node: null, entry: { type: 'user.created', username, role, via: 'oidc' } });
    }
    return openSession(t, user, 'oidc', now);
  });
}
