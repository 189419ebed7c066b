import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors';
import { pageUrl } from './page';
import { registeredRoutes, routeEntryOf } from './registry';
import { route } from './route';

// The wrapper on its own, with routes that need no session (public, the bearer-token kinds), so nothing
// here touches a store: the order of the checks, the parsing, the refusals and the headers it adds.

const url = 'http://127.0.0.1:3100/api/probe';
const get = (query = '', headers: Record<string, string> = {}) => new Request(`${url}${query}`, { headers: { host: '127.0.0.1:3100', ...headers } });
const post = (body: string, headers: Record<string, string> = {}) =>
  new Request(url, { method: 'POST', body, headers: { host: '127.0.0.1:3100', origin: 'http://127.0.0.1:3100', 'sec-fetch-site': 'same-origin', ...headers } });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string; details?: unknown } }).error;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('route(): registration', () => {
  it('registers its method, path and permission, and the handler it returns is how the registry finds it', () => {
    const handler = route({ method: 'GET', path: '/api/registered-probe', permission: 'fleet.view' }, () => ({}));
    expect(routeEntryOf(handler)).toEqual({ method: 'GET', path: '/api/registered-probe', permission: 'fleet.view' });
    expect(registeredRoutes()).toContainEqual({ method: 'GET', path: '/api/registered-probe', permission: 'fleet.view' });
    expect(routeEntryOf(async () => new Response())).toBeUndefined();
  });
});

describe('route(): answers and headers', () => {
  it('sends a plain value as JSON with Cache-Control: no-store', async () => {
    const res = await route({ method: 'GET', path: '/api/probe', permission: 'public' }, () => ({ ok: true }))(get());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ ok: true });
  });

  it('keeps the Cache-Control a handler set, and gives its own to responses without one', async () => {
    const own = await route(
      { method: 'GET', path: '/api/probe', permission: 'public' },
      () => new Response('x', { headers: { 'cache-control': 'no-store, no-transform' } }),
    )(get());
    expect(own.headers.get('cache-control')).toBe('no-store, no-transform');
    const option = await route({ method: 'GET', path: '/api/probe', permission: 'public', cache: 'private, max-age=5' }, () => new Response('x'))(get());
    expect(option.headers.get('cache-control')).toBe('private, max-age=5');
  });

  it('an AppError becomes its status and body; anything else a 500 that shows nothing of it', async () => {
    const refused = await route({ method: 'GET', path: '/api/probe', permission: 'public' }, () => {
      throw new AppError('conflict', 'node is busy', { node: 'a' });
    })(get());
    expect(refused.status).toBe(409);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await errorOf(refused)).toEqual({ code: 'conflict', message: 'node is busy', details: { node: 'a' } });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const crashed = await route({ method: 'GET', path: '/api/probe', permission: 'public' }, () => {
      throw new Error('password=hunter2');
    })(get());
    expect(crashed.status).toBe(500);
    expect(JSON.stringify(await crashed.json())).not.toContain('hunter2');
  });

  it('renderError answers errors its own way (a page, another status)', async () => {
    const res = await route(
      { method: 'GET', path: '/api/probe', permission: 'public', renderError: ({ status, body }) => new Response(body.error.message, { status: status + 1 }) },
      () => {
        throw new AppError('not_found', 'gone away');
      },
    )(get());
    expect(res.status).toBe(405);
    expect(await res.text()).toBe('gone away');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('route(): typed inputs', () => {
  const echo = route(
    {
      method: 'POST',
      path: '/api/probe/[id]',
      permission: 'public',
      params: z.object({ id: z.string().regex(/^\d+$/) }),
      query: z.object({ n: z.coerce.number().int().optional() }),
      body: z.object({ name: z.string() }),
    },
    ({ params, query, body }) => ({ id: params.id, n: query.n ?? null, name: body.name }),
  );
  const withId = (id: string) => ({ params: Promise.resolve({ id }) });

  it('hands the handler the parsed segments, query and body', async () => {
    const res = await echo(
      new Request(`${url}/7?n=3`, { method: 'POST', body: '{"name":"x"}', headers: { host: '127.0.0.1:3100', 'sec-fetch-site': 'same-origin' } }),
      withId('7'),
    );
    expect(await res.json()).toEqual({ id: '7', n: 3, name: 'x' });
  });

  it('refuses a segment its schema does not take with 404, a bad query or body with 400 naming the issues', async () => {
    expect((await echo(post('{"name":"x"}'), withId('abc'))).status).toBe(404);
    const query = await echo(new Request(`${url}/7?n=x`, { method: 'POST', body: '{"name":"x"}', headers: { 'sec-fetch-site': 'same-origin' } }), withId('7'));
    expect(query.status).toBe(400);
    expect(await errorOf(query)).toMatchObject({ code: 'bad_request', message: 'invalid query' });
    const body = await echo(post('{"name":1}'), withId('7'));
    expect(body.status).toBe(400);
    expect(await errorOf(body)).toMatchObject({ code: 'bad_request', message: 'invalid request body' });
  });

  it('reads the body only after the gate: a cross-site post is refused before its body is looked at', async () => {
    const res = await echo(post('not json', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), withId('7'));
    expect(res.status).toBe(403);
  });

  it('takes an empty body as {}, refuses one that is not JSON or over 64 KiB', async () => {
    const optional = route({ method: 'POST', path: '/api/probe', permission: 'public', body: z.object({ a: z.string().optional() }) }, ({ body }) => body);
    expect(await (await optional(post(''))).json()).toEqual({});
    expect(await errorOf(await optional(post('{')))).toMatchObject({ code: 'bad_request', message: 'request body is not JSON' });
    expect(await errorOf(await optional(post(JSON.stringify({ a: 'x'.repeat(70_000) }))))).toMatchObject({
      code: 'bad_request',
      message: 'request body too large',
    });
  });

  it('uses the refusal a route names for its input, and its own body limits', async () => {
    const strict = route(
      {
        method: 'POST',
        path: '/api/probe',
        permission: 'public',
        body: { schema: z.object({ v: z.literal('4') }), invalid: (issues) => new AppError('unprocessable', 'not v4', issues.length) },
        bodyLimits: { maxBytes: 16, tooLarge: new AppError('payload_too_large', 'too big'), notJson: 'body is not JSON', empty: 'not-json' },
      },
      () => ({ ok: true }),
    );
    expect(await errorOf(await strict(post('{"v":"3"}')))).toEqual({ code: 'unprocessable', message: 'not v4', details: 1 });
    expect((await strict(post('{"v":"4","pad":"xxxxxxxx"}'))).status).toBe(413);
    expect(await errorOf(await strict(post('')))).toMatchObject({ message: 'body is not JSON' });
    expect((await strict(post('{"v":"4"}'))).status).toBe(200);
  });
});

describe('route(): who may call', () => {
  it('a public mutation is same-origin only (login CSRF); a public read needs nothing', async () => {
    const login = route({ method: 'POST', path: '/api/probe', permission: 'public' }, () => ({ ok: true }));
    expect((await login(post('', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }))).status).toBe(403);
    expect((await login(new Request(url, { method: 'POST', headers: { host: '127.0.0.1:3100' } }))).status).toBe(403);
    expect((await login(post(''))).status).toBe(200);
    const health = route({ method: 'GET', path: '/api/probe', permission: 'public' }, () => ({ ok: true }));
    expect((await health(new Request('http://10.0.0.7:3000/api/probe'))).status).toBe(200);
  });

  it('webhook-token: off (503) until a token is set, then only that bearer token, with no Origin needed', async () => {
    const hook = route({ method: 'POST', path: '/api/probe', permission: 'webhook-token' }, () => ({ ok: true }));
    const bare = (auth?: string) => new Request(url, { method: 'POST', body: '{}', headers: auth ? { authorization: auth } : {} });
    vi.stubEnv('FNH_ALERTMANAGER_TOKEN', '');
    vi.stubEnv('FNH_ALERTMANAGER_OPEN', '');
    const off = await hook(bare());
    expect(off.status).toBe(503);
    expect(await errorOf(off)).toMatchObject({ code: 'unavailable' });
    vi.stubEnv('FNH_ALERTMANAGER_TOKEN', 'right-token');
    expect(await errorOf(await hook(bare('Bearer wrong')))).toMatchObject({ code: 'unauthorized' });
    expect((await hook(bare('Bearer right-token'))).status).toBe(200);
  });

  it('metrics-token: public without Authorization, the verdict grant with the token, a plain-text 401 otherwise', async () => {
    const metrics = route({ method: 'GET', path: '/metrics', permission: 'metrics-token' }, ({ grant }) => ({ kind: grant.kind }));
    vi.stubEnv('FNH_METRICS_TOKEN', 'scrape-token');
    expect(await (await metrics(get())).json()).toEqual({ kind: 'public' });
    expect(await (await metrics(get('', { authorization: 'Bearer scrape-token' }))).json()).toEqual({ kind: 'verdicts' });
    const refused = await metrics(get('', { authorization: 'Bearer wrong' }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="fnh-metrics"');
  });
});

describe('pageUrl (where sign-in sends a visitor back to)', () => {
  it('fills the segments and keeps the string query values', () => {
    expect(pageUrl('/nodes/[name]', { name: 'dfw mn' }, {})).toBe('/nodes/dfw%20mn');
    expect(pageUrl('/remediation', {}, { node: 'a', peer: '', many: ['x', 'y'] })).toBe('/remediation?node=a&peer=');
    expect(pageUrl('/admin/users', {}, {})).toBe('/admin/users');
  });
});
