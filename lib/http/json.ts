import 'server-only';

/** A JSON response that no browser or shared cache keeps (fleet data, alerts and audit records never are). */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { 'cache-control': 'no-store', ...init.headers } });
}
