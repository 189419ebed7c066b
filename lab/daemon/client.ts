import http from 'node:http';
import { z } from 'zod';

// The CLI side: talks to the running daemon over its unix socket, like `doublezero connect`.
const replySchema = z.object({ status: z.string(), description: z.string().optional() }).passthrough();

export interface DaemonReply {
  status: number;
  body: string;
}

export function callDaemon(socketPath: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<DaemonReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { socketPath, method, path, headers: payload ? { 'content-type': 'application/json' } : {}, timeout: 10_000 },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('daemon did not answer in time')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Returns the daemon's error description for a failed call, or null when it succeeded. */
export function replyError(reply: DaemonReply): string | null {
  if (reply.status === 200) return null;
  let body: unknown;
  try {
    body = JSON.parse(reply.body || '{}');
  } catch {
    body = undefined;
  }
  const parsed = replySchema.safeParse(body);
  return parsed.success ? (parsed.data.description ?? parsed.data.status) : `HTTP ${reply.status}`;
}
