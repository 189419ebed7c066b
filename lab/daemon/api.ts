import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { dirname } from 'node:path';
import { z } from 'zod';
import { NOT_FOUND_BODY } from '../../lib/doublezerod';
import { DaemonConflict, type Doublezerod } from './daemon';

// The daemon's local HTTP API on unix sockets. The public socket (`-sock-file`, mode 0666) answers what upstream
// serves for reading — `GET /routes`, `GET /status`, `GET /v2/status` (each 404 where the version does not
// serve it, with net/http's body) — so the agent's unprivileged user can curl it as on a real node. The
// lab's control socket (mode 0600, root) also takes the CLI's provision/remove, so changing the daemon needs
// root (sudo); upstream serves those on the same socket.
export const provisionRequestSchema = z.object({ allocate: z.boolean() }).strict();
const MAX_BODY = 4096;

function send(res: http.ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, `${JSON.stringify(body)}\n`);
}

/** A lib/doublezerod body: the not-found body is served as net/http serves it. */
function sendBody(res: http.ServerResponse, body: string): void {
  if (body === NOT_FOUND_BODY) send(res, 404, body, 'text/plain; charset=utf-8');
  else send(res, 200, body);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) throw new Error('request body too large');
  }
  return body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    return undefined; // fails the schema: a 400, not a 500
  }
}

export type ApiAccess = 'read-only' | 'control';

async function handle(daemon: Doublezerod, access: ApiAccess, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const route = `${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`;
  if (req.method !== 'GET' && access !== 'control') {
    return sendJson(res, 403, { status: 'error', description: 'permission denied: changing the daemon needs root' });
  }
  switch (route) {
    case 'GET /routes':
      return sendBody(res, await daemon.routesBody());
    case 'GET /status':
      return send(res, 200, daemon.statusBody());
    case 'GET /v2/status':
      return sendBody(res, daemon.v2StatusBody());
    case 'POST /provision': {
      const parsed = provisionRequestSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) return sendJson(res, 400, { status: 'error', description: parsed.error.message });
      await daemon.connect(parsed.data.allocate);
      return sendJson(res, 200, { status: 'ok' });
    }
    case 'POST /remove':
      await daemon.disconnect();
      return sendJson(res, 200, { status: 'ok' });
    default:
      return send(res, 404, NOT_FOUND_BODY, 'text/plain; charset=utf-8');
  }
}

export function serveApi(socketPath: string, access: ApiAccess, daemon: Doublezerod, onError: (err: unknown) => void): Promise<http.Server> {
  mkdirSync(dirname(socketPath), { recursive: true });
  rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    handle(daemon, access, req, res).catch((err: unknown) => {
      if (err instanceof DaemonConflict) return sendJson(res, 409, { status: 'error', description: err.message });
      onError(err);
      sendJson(res, 500, { status: 'error', description: 'internal error' });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      chmodSync(socketPath, access === 'control' ? 0o600 : 0o666);
      resolve(server);
    });
  });
}
