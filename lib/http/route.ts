import 'server-only';
import type { z } from 'zod';
import { isMutatingMethod } from '../auth/csrf';
import type { Permission } from '../auth/permissions';
import { sessionCookieName } from '../auth/session-token';
import { AppError, toHttpError, type HttpErrorBody } from '../errors';
import type { UserRow } from '../auth/store/users';
import { checkWebhookAccess } from '../alerts/store/check-webhook-token';
import { checkMetricsAccess, type MetricsAccess } from '../metrics/store/access';
import { requestClientAddress } from './client-address';
import { json } from './json';
import { defaultJsonBodyLimits, readJsonBody, type JsonBodyLimits } from './read-body';
import { authorize, checkCsrf, isHttps, readCookie } from './request-gate';
import { registerRoute } from './registry';

// The one way to write a route handler. `route(options, handler)` does, in this order: the Host check
// and CSRF (mutations), who may call (a session with a permission, public, or a bearer token), the JSON
// body, the path segments and the query (each through its zod schema), then the handler; an AppError
// becomes its status and body, anything else a logged 500; every answer gets Cache-Control (no-store
// unless the handler set its own). The handler gets typed inputs, never the Request: services below
// it take a user and parsed values. Each call registers its method, path and access (registry.ts), which
// is how tests/security/route-access.int.test.ts finds and probes every handler.

export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/**
 * Who may call a route: a permission of lib/auth/permissions.ts (a session whose role has it), `public`
 * (no session; the path must be in lib/auth/public-paths.ts with its reason), `webhook-token` (the
 * Alertmanager bearer token, check-webhook-token.ts) or `metrics-token` (public aggregates, verdict
 * series with the metrics token, lib/metrics/store/access.ts).
 */
export type Access = Permission | 'public' | 'webhook-token' | 'metrics-token';

export type MetricsGrant = Exclude<MetricsAccess, { kind: 'refused' }>;

/** The signed-in user of a route that needs a permission (routes without one serve nobody in particular). */
export type Caller<A extends Access> = A extends Permission ? UserRow : undefined;
/** What the metrics token opened (public aggregates, or the verdict series too). */
export type Grant<A extends Access> = A extends 'metrics-token' ? MetricsGrant : undefined;

type Issues = z.core.$ZodIssue[];

/** A zod schema, or one with the refusal its route has always given (the message and status callers know). */
export type Input<T> = z.ZodType<T> | { schema: z.ZodType<T>; invalid: (issues: Issues) => AppError };

export interface RouteOptions<A extends Access, P, Q, B> {
  method: HttpMethod;
  /** the route's path as its folder under app/ names it, e.g. `/api/nodes/[name]` */
  path: string;
  permission: A;
  /** the dynamic segments; a value the schema refuses is a 404 (`no such …`), never a 400 */
  params?: Input<P>;
  /** the search parameters, as an object of their (last) string values */
  query?: Input<Q>;
  /** the JSON body; read only after the gate */
  body?: Input<B>;
  bodyLimits?: JsonBodyLimits;
  /** Cache-Control of answers whose handler did not set one; errors are always no-store */
  cache?: string;
  /** answers an error differently from the JSON body (the OIDC callback shows a page, health is a 503) */
  renderError?: (error: { status: number; body: HttpErrorBody }) => Response;
}

/** What a handler may read of the request besides its typed inputs: the HTTP facts the response needs. */
export interface RequestFacts {
  https: boolean;
  url: URL;
  cookie(name: string): string | undefined;
  header(name: string): string | null;
  /** the client's address as scripts/server.ts recorded it; throws where it cannot be trusted */
  clientAddress(): string;
  /** aborted when the client goes away (long answers such as the event stream end with it) */
  signal: AbortSignal;
}

export interface RouteContext<A extends Access, P, Q, B> {
  user: Caller<A>;
  grant: Grant<A>;
  params: P;
  query: Q;
  body: B;
  http: RequestFacts;
}

/** A handler answers with a Response, or with a value that goes out as JSON (200). */
export type Handler<A extends Access, P, Q, B> = (ctx: RouteContext<A, P, Q, B>) => Promise<Response | object> | Response | object;

/** What Next.js calls (and tests call directly): the request and its segments. */
export type RouteHandler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

function parseWith<T>(input: Input<T>, value: unknown, refusal: (issues: Issues) => AppError): T {
  const { schema, invalid } = 'safeParse' in input ? { schema: input, invalid: refusal } : input;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return parsed.data;
}

const defaultRefusals = {
  params: () => new AppError('not_found', 'not found'),
  query: (issues: Issues) => new AppError('bad_request', 'invalid query', issues),
  body: (issues: Issues) => new AppError('bad_request', 'invalid request body', issues),
};

type Admitted<A extends Access> = { user: Caller<A>; grant: Grant<A> };

async function admit<A extends Access>(request: Request, permission: A): Promise<Admitted<A> | Response> {
  const nobody = { user: undefined, grant: undefined } as Admitted<A>;
  if (permission === 'webhook-token') {
    // Machine to machine: the bearer token is the credential, and Alertmanager sends no Origin. (proxy.ts
    // checked the Host; the reply's links never come from it, alert-public-origin.ts.)
    const access = checkWebhookAccess(request.headers.get('authorization'));
    if (!access.allowed) throw new AppError(access.status === 401 ? 'unauthorized' : 'unavailable', access.message);
    return nobody;
  }
  if (permission === 'metrics-token') {
    const access = checkMetricsAccess(request.headers.get('authorization'));
    if (access.kind === 'refused') {
      // Prometheus shows this text as the target's error.
      return new Response(`${access.message}\n`, {
        status: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'www-authenticate': 'Bearer realm="fnh-metrics"' },
      });
    }
    return { user: undefined, grant: access } as Admitted<A>;
  }
  if (permission === 'public') {
    // Sign-in and sign-out are mutations like any other (login CSRF); public reads need nothing here.
    // (A public read behind a TLS-terminating proxy sees an internal Host: proxy.ts judged the real one.)
    if (isMutatingMethod(request.method)) checkCsrf(request);
    return nobody;
  }
  return { user: await authorize(request, permission as Permission), grant: undefined } as Admitted<A>;
}

function facts(request: Request): RequestFacts {
  return {
    https: isHttps(request),
    url: new URL(request.url),
    cookie: (name) => readCookie(request, name),
    header: (name) => request.headers.get(name),
    clientAddress: () => requestClientAddress(request),
    signal: request.signal,
  };
}

function withCache(res: Response, cache: string): Response {
  if (!res.headers.has('cache-control')) {
    try {
      res.headers.set('cache-control', cache);
    } catch {
      // immutable headers (a fetched response passed through): answer as it is
    }
  }
  return res;
}

/** Wraps a handler with the gate, the parsing and the error mapping, and registers it. */
export function route<A extends Access, P = undefined, Q = undefined, B = undefined>(
  options: RouteOptions<A, P, Q, B>,
  handler: Handler<A, P, Q, B>,
): RouteHandler {
  const cache = options.cache ?? 'no-store';
  const wrapped: RouteHandler = async (request, context) => {
    try {
      const admitted = await admit(request, options.permission);
      if (admitted instanceof Response) return admitted;
      // Body before segments, segments before query: the order each route refused bad input in before.
      const body = options.body
        ? parseWith(options.body, await readJsonBody(request, options.bodyLimits ?? defaultJsonBodyLimits), defaultRefusals.body)
        : (undefined as B);
      const params = options.params ? parseWith(options.params, (await context?.params) ?? {}, defaultRefusals.params) : (undefined as P);
      const query = options.query ? parseWith(options.query, Object.fromEntries(new URL(request.url).searchParams), defaultRefusals.query) : (undefined as Q);
      const answer = await handler({ ...admitted, params, query, body, http: facts(request) });
      return withCache(answer instanceof Response ? answer : json(answer), cache);
    } catch (err) {
      if (!(err instanceof AppError)) console.error(`${options.method} ${options.path} failed`, err);
      const error = toHttpError(err);
      if (options.renderError) return withCache(options.renderError(error), 'no-store');
      return json(error.body, { status: error.status });
    }
  };
  registerRoute(wrapped, { method: options.method, path: options.path, permission: options.permission });
  return wrapped;
}

/** The session cookie's value, for the handlers that end or follow a session (sign-out, the event stream). */
export function sessionToken(http: RequestFacts): string | undefined {
  return http.cookie(sessionCookieName);
}
