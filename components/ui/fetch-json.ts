import type { z } from 'zod';

// Every API response is validated at the browser boundary too: a contract drift shows as an error, not as blanks.
export async function fetchJson<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  const res = await fetch(url, { cache: 'no-store', ...init });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new HttpError(res.status, typeof message === 'string' ? message : `HTTP ${res.status}`);
  }
  return schema.parse(body);
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
