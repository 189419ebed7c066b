import { z } from 'zod';

// The store over a MessagePort (the embedded agent's worker thread uses the dashboard's one PGlite connection):
// the worker side (port-client.ts) sends requests, the main-thread side (port-host.ts) runs them on the real
// store and answers. Every message is checked on arrival: a port is a boundary between two module graphs.
//
// Requests carry an id the answer repeats. `p` is the priority: `fg` runs on the store, `bg` on
// `db.background()` (ingest and maintenance: page reads first). A transaction is `begin` (its id names the
// transaction), statements `tx-query`/`tx-exec` naming it, then `end` with commit or rollback; the host holds
// the store's transaction (and its gate) from `begin` until `end`.

const priority = z.enum(['fg', 'bg']);
const id = z.number().int().nonnegative();
const params = z.array(z.unknown()).optional();

export const portRequestSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('query'), id, p: priority, sql: z.string(), params }),
  z.object({ t: z.literal('exec'), id, p: priority, sql: z.string() }),
  z.object({ t: z.literal('begin'), id, p: priority }),
  z.object({ t: z.literal('tx-query'), id, tx: id, sql: z.string(), params }),
  z.object({ t: z.literal('tx-exec'), id, tx: id, sql: z.string() }),
  z.object({ t: z.literal('end'), id, tx: id, commit: z.boolean() }),
  z.object({ t: z.literal('listen'), id, channel: z.string().min(1) }),
  z.object({ t: z.literal('unlisten'), id, sub: id }),
]);
export type PortRequest = z.infer<typeof portRequestSchema>;

/** What crosses of a store error: the message and the fields callers test (SQLSTATE `code`, e.g. 23505). */
export const portErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string().optional(),
  detail: z.string().optional(),
  constraint: z.string().optional(),
});
export type PortError = z.infer<typeof portErrorSchema>;

export const portReplySchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ok'), id, rows: z.array(z.unknown()).optional() }),
  z.object({ t: z.literal('err'), id, error: portErrorSchema }),
  z.object({ t: z.literal('notify'), sub: id, payload: z.string() }),
  z.object({ t: z.literal('lost'), sub: id, message: z.string() }),
]);
export type PortReply = z.infer<typeof portReplySchema>;

/** The error as it crosses the port: never the stack or driver internals, always a message. */
export function toPortError(err: unknown): PortError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const fields = err as Error & { code?: unknown; detail?: unknown; constraint?: unknown };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const code = text(fields.code);
  const detail = text(fields.detail);
  const constraint = text(fields.constraint);
  return {
    name: err.name,
    message: err.message,
    ...(code === undefined ? {} : { code }),
    ...(detail === undefined ? {} : { detail }),
    ...(constraint === undefined ? {} : { constraint }),
  };
}

/** The store error on the other side: an Error with the same message, name and code. */
export class PortStoreError extends Error {
  readonly code?: string;
  readonly detail?: string;
  readonly constraint?: string;

  constructor(e: PortError) {
    super(e.message);
    this.name = e.name;
    if (e.code !== undefined) this.code = e.code;
    if (e.detail !== undefined) this.detail = e.detail;
    if (e.constraint !== undefined) this.constraint = e.constraint;
  }
}
