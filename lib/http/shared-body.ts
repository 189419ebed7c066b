import 'server-only';
import { jsonText } from './json';

// The live peer grid is an answer many viewers share: every request within the same second gets the same object
// (SingleFlight). Its JSON is made once per shared answer and kept as long as the answer is (WeakMap: gone with
// it), not once per viewer. (Compression stays the server's, per response: Next.js drops a route handler's
// Content-Encoding and would gzip a gzipped body again.)

const texts = new WeakMap<object, string>();

/** A JSON response for `shared` (an answer many requests get as the same object); `text` is called once per answer. */
export function sharedJsonResponse(shared: object, text: () => string, headers: Record<string, string> = {}): Response {
  let body = texts.get(shared);
  if (body === undefined) {
    body = text();
    texts.set(shared, body);
  }
  return jsonText(body, { headers });
}
