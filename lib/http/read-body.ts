import 'server-only';
import { AppError } from '../errors';

/** The request body as text, or null when it is longer than `maxBytes` (stops reading there). */
export async function readCappedBody(req: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface JsonBodyLimits {
  /** most bytes read; past it `tooLarge` is thrown and the rest is not read */
  maxBytes: number;
  tooLarge: AppError;
  /** the message of the 400 for a body that is not JSON */
  notJson: string;
  /** what an empty (or blank) body is: `{}` (the browser forms post nothing), or not JSON */
  empty: 'object' | 'not-json';
}

/** What a browser-facing JSON route takes: 64 KiB, an empty body is `{}`. */
export const defaultJsonBodyLimits: JsonBodyLimits = {
  maxBytes: 64 * 1024,
  tooLarge: new AppError('bad_request', 'request body too large'),
  notJson: 'request body is not JSON',
  empty: 'object',
};

/** The JSON body of a request within `limits`, as an unchecked value (the route's schema checks it). */
export async function readJsonBody(request: Request, limits: JsonBodyLimits = defaultJsonBodyLimits): Promise<unknown> {
  const text = await readCappedBody(request, limits.maxBytes);
  if (text === null) throw limits.tooLarge;
  if (text.trim() === '' && limits.empty === 'object') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('bad_request', limits.notJson);
  }
}
