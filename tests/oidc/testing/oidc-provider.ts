import { createHash, generateKeyPairSync, randomBytes, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

// A small OpenID provider for integration tests (node:http + node:crypto only): discovery, JWKS with
// one RS256 key, an authorization endpoint that signs in whoever the test says (no login page) and
// redirects back with a one-time code, a token endpoint that checks client authentication,
// redirect_uri and the PKCE S256 verifier, and userinfo. It behaves like a strict real provider so
// the product's client is tested against the protocol, not against itself; the `nextIdToken` knob
// lets a test make the provider misbehave (wrong nonce, foreign key, expired) for one token.

export interface ProviderUser {
  sub: string;
  /** Any further claims (preferred_username, email, groups, ...). */
  claims: Record<string, unknown>;
  /** Claims only userinfo returns, not the ID token (some IdPs keep groups out of the token). */
  userinfoOnlyClaims?: Record<string, unknown>;
}

export interface IdTokenTampering {
  /** Claims that replace the honest ones (e.g. a nonce of another transaction, an exp in the past). */
  overrideClaims?: Record<string, unknown>;
  /** Sign with a key that is not in the JWKS (same kid, so only the signature check can catch it). */
  signWithForeignKey?: boolean;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string;
  user: ProviderUser;
  expiresAt: number;
  used: boolean;
}

const authorizeQuery = z.object({
  response_type: z.literal('code'),
  client_id: z.string().min(1),
  redirect_uri: z.string().min(1),
  scope: z.string().refine((s) => s.split(' ').includes('openid'), 'scope must include openid'),
  state: z.string().optional(),
  nonce: z.string().optional(),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  code_challenge_method: z.literal('S256'),
});

const tokenForm = z.object({
  grant_type: z.literal('authorization_code'),
  code: z.string().min(1),
  redirect_uri: z.string().min(1),
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

const codeLifetimeMs = 60_000;
const tokenLifetimeSeconds = 300;

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class TestOidcProvider {
  /** Who the authorization endpoint signs in next (stands in for the IdP's login page). */
  user: ProviderUser = { sub: 'user-1', claims: {} };
  /** Applied to the next ID token only, then cleared. */
  nextIdToken: IdTokenTampering | undefined;
  /** Token endpoint requests refused, with the OAuth error code; lets a test see why a sign-in failed. */
  readonly tokenErrors: string[] = [];

  private server: Server | undefined;
  private base = '';
  private readonly kid = base64url(randomBytes(8));
  private readonly signingKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private readonly foreignKey: KeyObject;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly accessTokens = new Map<string, ProviderUser>();

  constructor(private readonly client: RegisteredClient) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.signingKey = pair.privateKey;
    this.publicJwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' };
    this.foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  /** The issuer identifier; it has a path, as Keycloak realms and many hosted IdPs do. */
  get issuer(): string {
    return `${this.base}/oidc`;
  }

  /** Port 0 picks a free one; a fixed port lets a test bring a provider up where one was unreachable. */
  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : 'error');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /oidc/.well-known/openid-configuration':
        return sendJson(res, 200, this.discoveryDocument());
      case 'GET /oidc/jwks':
        return sendJson(res, 200, { keys: [this.publicJwk] });
      case 'GET /oidc/authorize':
        return this.authorize(url, res);
      case 'POST /oidc/token':
        return this.token(req, await readBody(req), res);
      case 'GET /oidc/userinfo':
        return this.userinfo(req, res);
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  }

  private discoveryDocument(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      userinfo_endpoint: `${this.issuer}/userinfo`,
      jwks_uri: `${this.issuer}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['openid', 'profile', 'email', 'groups'],
      // RFC 9207: the redirect back names the issuer, so a client can tell providers apart (mix-up attacks).
      authorization_response_iss_parameter_supported: true,
    };
  }

  private authorize(url: URL, res: ServerResponse): void {
    const clientId = url.searchParams.get('client_id');
    const redirectUri = url.searchParams.get('redirect_uri');
    // An unknown client or redirect target gets an error page, never a redirect (open redirector).
    if (clientId !== this.client.clientId || !redirectUri || !this.client.redirectUris.includes(redirectUri)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown client or redirect_uri');
      return;
    }
    const back = new URL(redirectUri);
    const state = url.searchParams.get('state');
    if (state !== null) back.searchParams.set('state', state);
    back.searchParams.set('iss', this.issuer);
    const parsed = authorizeQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      back.searchParams.set('error', 'invalid_request');
      back.searchParams.set('error_description', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    } else {
      const code = base64url(randomBytes(32));
      this.codes.set(code, {
        clientId,
        redirectUri,
        nonce: parsed.data.nonce,
        codeChallenge: parsed.data.code_challenge,
        user: structuredClone(this.user),
        expiresAt: Date.now() + codeLifetimeMs,
        used: false,
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.href, 'cache-control': 'no-store' }).end();
  }

  private token(req: IncomingMessage, body: string, res: ServerResponse): void {
    const refuse = (status: number, error: string, description: string): void => {
      this.tokenErrors.push(error);
      sendJson(res, status, { error, error_description: description });
    };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return refuse(400, 'invalid_request', 'form body expected');
    const form = tokenForm.safeParse(Object.fromEntries(new URLSearchParams(body)));
    if (!form.success) return refuse(400, 'invalid_request', form.error.message);
    const clientId = this.authenticateClient(req.headers.authorization, form.data.client_id, form.data.client_secret);
    if (!clientId) return refuse(401, 'invalid_client', 'client authentication failed');
    const issued = this.codes.get(form.data.code);
    if (!issued || issued.used || issued.expiresAt < Date.now() || issued.clientId !== clientId) {
      // A replayed code also revokes what the first exchange issued (RFC 6749 section 4.1.2).
      if (issued?.used) for (const [token, user] of this.accessTokens) if (user.sub === issued.user.sub) this.accessTokens.delete(token);
      return refuse(400, 'invalid_grant', 'code unknown, used, expired or issued to another client');
    }
    issued.used = true;
    if (form.data.redirect_uri !== issued.redirectUri) return refuse(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    const challenge = base64url(createHash('sha256').update(form.data.code_verifier).digest());
    if (challenge !== issued.codeChallenge) return refuse(400, 'invalid_grant', 'PKCE verification failed');

    const accessToken = base64url(randomBytes(32));
    this.accessTokens.set(accessToken, issued.user);
    const now = Math.floor(Date.now() / 1000);
    const tampering = this.nextIdToken;
    this.nextIdToken = undefined;
    const claims = {
      ...issued.user.claims,
      iss: this.issuer,
      sub: issued.user.sub,
      aud: clientId,
      iat: now,
      exp: now + tokenLifetimeSeconds,
      auth_time: now,
      ...(issued.nonce !== undefined ? { nonce: issued.nonce } : {}),
      ...tampering?.overrideClaims,
    };
    const idToken = this.signJwt(claims, tampering?.signWithForeignKey ? this.foreignKey : this.signingKey);
    sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: tokenLifetimeSeconds, id_token: idToken, scope: 'openid' });
  }

  /** client_secret_basic (form-urlencoded id and secret, RFC 6749 2.3.1) or client_secret_post; never both. */
  private authenticateClient(authorization: string | undefined, postedId: string | undefined, postedSecret: string | undefined): string | undefined {
    let id: string | undefined;
    let secret: string | undefined;
    if (authorization?.startsWith('Basic ')) {
      if (postedSecret !== undefined) return undefined;
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } else {
      id = postedId;
      secret = postedSecret;
    }
    if (id !== this.client.clientId || secret === undefined || !sameSecret(secret, this.client.clientSecret)) return undefined;
    return id;
  }

  private userinfo(req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization ?? '';
    const user = auth.startsWith('Bearer ') ? this.accessTokens.get(auth.slice(7)) : undefined;
    if (!user) {
      res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
      return;
    }
    sendJson(res, 200, { ...user.claims, ...user.userinfoOnlyClaims, sub: user.sub });
  }

  private signJwt(claims: Record<string, unknown>, key: KeyObject): string {
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.kid }));
    const payload = base64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${base64url(signature)}`;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
