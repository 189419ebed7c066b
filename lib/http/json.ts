import 'server-only';

/** A JSON response that no browser or shared cache keeps (fleet data, alerts and audit records never are). */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return Response.json(body, { ...init, headers: { 'cache-control': 'no-store', ...init.headers } });
}

/** The same response for JSON already serialized (a body many requests share). */
export function jsonText(text: string, init: ResponseInit = {}): Response {
  return new Response(text, { ...init, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...init.headers } });
}
