import 'server-only';
import { AppError, toHttpError } from '../errors';

// Route handlers stay thin: they run their body through this, so every AppError becomes its status and
// anything else a plain 500 (logged here, never shown).
export async function respond(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof AppError)) console.error('request failed', err);
    const { status, body } = toHttpError(err);
    return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
  }
}

export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new AppError('bad_request', 'request body too large');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('bad_request', 'request body is not JSON');
  }
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { 'cache-control': 'no-store', ...init.headers } });
}
