'use client';

import { batchSchema, type BatchView } from '@/lib/remediation/response-schemas';
import { HttpError } from '@/components/ui/fetch-json';

/** POSTs JSON; same-origin fetch sends Origin and Sec-Fetch-Site, which the server's CSRF check requires. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' });
  const parsed: unknown = await res.json().catch(() => null);
  if (!res.ok && res.status !== 409) {
    const message = (parsed as { error?: { message?: unknown; details?: unknown } } | null)?.error;
    const details = Array.isArray(message?.details) ? `: ${message.details.join('; ')}` : '';
    throw new HttpError(res.status, `${typeof message?.message === 'string' ? message.message : `HTTP ${res.status}`}${details}`);
  }
  return { status: res.status, body: parsed };
}

export function parseBatch(body: unknown): BatchView {
  return batchSchema.parse(body);
}
