import 'server-only';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

// The live fleet (~1 MB at 1,000 nodes) and peer grid are answers many viewers share: every request within the
// same second gets the same object (SingleFlight). Serializing and gzipping it for each of them (the server's
// compression works per response) cost a wall screen's viewers that work once each; here it is done once per
// shared answer and kept as long as the answer is (WeakMap: gone with it).

const gzipAsync = promisify(gzip);
const texts = new WeakMap<object, string>();
const gzipped = new WeakMap<object, Promise<Buffer>>();

/** Whether an Accept-Encoding header admits gzip: gzip's own q when it is listed, else `*`'s (q=0 refuses). */
export function acceptsGzip(acceptEncoding: string | null): boolean {
  if (!acceptEncoding) return false;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(coding.trim(), weight === undefined ? 1 : Number(weight.slice(2)));
  }
  const weight = q.get('gzip') ?? q.get('x-gzip') ?? q.get('*') ?? 0;
  return weight > 0;
}

/**
 * A JSON response for `shared` (an answer many requests get as the same object): `text` is called once per
 * answer, and its gzip made once, sent to requests that accept it (the server's own compression leaves an
 * encoded response alone).
 */
export async function sharedJsonResponse(
  shared: object,
  text: () => string,
  acceptEncoding: string | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  let body = texts.get(shared);
  if (body === undefined) {
    body = text();
    texts.set(shared, body);
  }
  const common = { 'content-type': 'application/json', 'cache-control': 'no-store', vary: 'accept-encoding', ...headers };
  if (!acceptsGzip(acceptEncoding)) return new Response(body, { headers: common });
  let zipped = gzipped.get(shared);
  if (zipped === undefined) {
    zipped = gzipAsync(body);
    gzipped.set(shared, zipped);
    zipped.catch(() => gzipped.delete(shared));
  }
  const bytes = await zipped;
  // a view of the same memory (zlib's output lives in an ArrayBuffer, never shared memory)
  const view = new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  return new Response(view, { headers: { ...common, 'content-encoding': 'gzip' } });
}
