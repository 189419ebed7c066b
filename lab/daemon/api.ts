import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DaemonConflict, type Doublezerod } from './daemon';
import type { Logger } from './log';

// The daemon's local HTTP API on unix sockets. The public socket (mode 0666) answers reads only, so the
// agent's unprivileged user can `curl GET /routes` as on a real node; the control socket (mode 0600,
// root) also takes the CLI's `connect`/`disconnect`, so changing the daemon needs root (sudo).
export const provisionRequestSchema = z.object({ allocate: z.boolean() }).strict();
const MAX_BODY = 4096;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body) + '\n');
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
    return send(res, 403, { status: 'error', description: 'permission denied: changing the daemon needs root' });
  }
  switch (route) {
    case 'GET /routes':
      return send(res, 200, await daemon.routes());
    case 'GET /status':
      return send(res, 200, [daemon.status()]);
    case 'POST /provision': {
      const parsed = provisionRequestSchema.safeParse(parseJson(await readBody(req)));
      if (!parsed.success) return send(res, 400, { status: 'error', description: parsed.error.message });
      await daemon.connect(parsed.data.allocate);
      return send(res, 200, { status: 'ok' });
    }
    case 'POST /remove':
      await daemon.disconnect();
      return send(res, 200, { status: 'ok' });
    default:
      return send(res, 404, { status: 'error', description: `no route ${route}` });
  }
}

export function serveApi(socketPath: string, access: ApiAccess, daemon: Doublezerod, log: Logger): Promise<http.Server> {
  mkdirSync(dirname(socketPath), { recursive: true });
  rmSync(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    handle(daemon, access, req, res).catch((err: unknown) => {
      if (err instanceof DaemonConflict) return send(res, 409, { status: 'error', description: err.message });
      log.error('api: request failed', { error: String(err) });
      send(res, 500, { status: 'error', description: 'internal error' });
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
