'use client';

import type { z } from 'zod';
import { HttpError } from '@/components/ui/fetch-json';

// Reads that revalidate: the last body of each URL is kept with its ETag and sent back as If-None-Match,
// so a grid that did not change costs a 304 (no body, no parse, no re-render of a new object).
const lastByUrl = new Map<string, { etag: string; data: unknown }>();

export async function fetchJsonRevalidating<S extends z.ZodType>(url: string, schema: S): Promise<z.infer<S>> {
  const last = lastByUrl.get(url);
  const res = await fetch(url, { cache: 'no-store', headers: last ? { 'if-none-match': last.etag } : {} });
  if (res.status === 304 && last) return last.data as z.infer<S>;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new HttpError(res.status, typeof message === 'string' ? message : `HTTP ${res.status}`);
  }
  const data = schema.parse(body);
  const etag = res.headers.get('etag');
  if (etag) lastByUrl.set(url, { etag, data });
  else lastByUrl.delete(url);
  return data;
}
