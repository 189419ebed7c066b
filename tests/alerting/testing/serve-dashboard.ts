import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// The dashboard's HTTP surface for integration tests that need a real listening server (Prometheus scrapes
// it, Alertmanager posts to it): proxy.ts first, as Next.js runs it, then the app's real route handlers,
// found on disk. In-process, because integration tests run beside `next build` and cannot count on a
// production build; pages are not served (the e2e specs cover them). Listens on 127.0.0.1 only.

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
type Proxy = (req: import('next/server').NextRequest) => Promise<Response>;

interface Route {
  segments: string[];
  handlers: Partial<Record<string, Handler>>;
}

const root = path.resolve(import.meta.dirname, '../../..');
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function routeFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) routeFiles(full, out);
    else if (/^route\.(ts|tsx)$/.test(name)) out.push(full);
  }
  return out;
}

async function loadRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  for (const file of routeFiles(path.join(root, 'app'))) {
    const rel = path.relative(path.join(root, 'app'), path.dirname(file));
    const segments = rel === '' ? [] : rel.split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
    const mod = (await import(file)) as Record<string, unknown>;
    const handlers: Route['handlers'] = {};
    for (const m of methods) if (typeof mod[m] === 'function') handlers[m] = mod[m] as Handler;
    routes.push({ segments, handlers });
  }
  return routes;
}

/** The route for a path and its params; static segments win over dynamic ones, as in Next.js. */
function match(routes: readonly Route[], pathname: string): { route: Route; params: Record<string, string> } | null {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
  let best: { route: Route; params: Record<string, string>; score: number } | null = null;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let score = 0;
    const ok = route.segments.every((seg, i) => {
      const dynamic = /^\[([^\].]+)\]$/.exec(seg);
      if (dynamic?.[1]) {
        params[dynamic[1]] = parts[i]!;
        return true;
      }
      score++;
      return seg === parts[i];
    });
    if (ok && (!best || score > best.score)) best = { route, params, score };
  }
  return best;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // The dashboard's request bodies are JSON text.
  return Buffer.concat(chunks).toString('utf8');
}

async function send(res: ServerResponse, answer: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  answer.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = answer.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(answer.status, headers);
  if (answer.body) {
    const reader = answer.body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) res.write(part.value);
  }
  res.end();
}

export interface ServedDashboard {
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function serveDashboard(): Promise<ServedDashboard> {
  const routes = await loadRoutes();
  const { proxy } = (await import(path.join(root, 'proxy.ts'))) as { proxy: Proxy };
  const { NextRequest } = await import('next/server');
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
        const method = req.method ?? 'GET';
        const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
        const make = () => new NextRequest(url, { method, headers, ...(body ? { body } : {}) });
        const gate = await proxy(make());
        if (gate.headers.get('x-middleware-next') !== '1') return await send(res, gate);
        const found = match(routes, url.pathname);
        const handler = found?.route.handlers[method];
        if (!found || !handler) return await send(res, Response.json({ error: { code: 'not_found', message: 'no route' } }, { status: 404 }));
        await send(res, await handler(make(), { params: Promise.resolve(found.params) }));
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
