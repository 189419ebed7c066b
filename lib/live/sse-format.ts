// Server-sent events framing (text/event-stream). Pure. Data is JSON on one line, so a value can never
// end the event early or inject a field.

export function sseEvent(event: string, data: unknown, opts: { retryMs?: number } = {}): string {
  if (!/^[a-z][a-z0-9-]*$/.test(event)) throw new Error(`invalid event name ${JSON.stringify(event)}`);
  const retry = opts.retryMs !== undefined ? `retry: ${Math.max(0, Math.round(opts.retryMs))}\n` : '';
  // JSON.stringify escapes newlines inside strings, so the payload is exactly one data line.
  return `${retry}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]/g, ' ')}\n\n`;
}
