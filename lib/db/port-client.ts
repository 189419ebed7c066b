import 'server-only';
import type { MessagePort } from 'node:worker_threads';
import { PortStoreError, portReplySchema, type PortReply, type PortRequest } from './port-protocol';
import type { Db, QueryResult, Queryable } from './types';

// The worker-thread side of the store over a MessagePort (port-protocol.ts): a `Db` whose every statement
// runs on the main thread's store (port-host.ts). `background()` sends the same requests at background
// priority. A transaction's callback runs here, statement by statement, inside the host's transaction: it
// commits when the callback resolves and rolls back when it throws. `close()` only stops this side (the host
// owns the store).

type Pending = { resolve: (rows: unknown[] | undefined) => void; reject: (err: Error) => void };
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
type Request = WithoutId<PortRequest>;

export function dbOverPort(port: MessagePort, kind: Db['kind'], opts: { log?: (message: string) => void } = {}): Db {
  const log = opts.log ?? ((m: string) => console.error(m));
  const pending = new Map<number, Pending>();
  const subscribers = new Map<number, { onPayload: (payload: string) => void; onLost?: (err: Error) => void }>();
  let nextId = 1;
  let closedReason: string | undefined;

  /** sends one request; `id` names it (a transaction, a subscription), `done` is its answer */
  const send = (req: Request): { id: number; done: Promise<unknown[] | undefined> } => {
    const id = nextId++;
    if (closedReason) return { id, done: Promise.reject(new Error(`store port: ${closedReason}`)) };
    const done = new Promise<unknown[] | undefined>((resolve, reject) => pending.set(id, { resolve, reject }));
    port.postMessage({ ...req, id });
    return { id, done };
  };
  const request = (req: Request) => send(req).done;
  const rowsOf = <T>(rows: unknown[] | undefined): QueryResult<T> => ({ rows: (rows ?? []) as T[] });

  const onReply = (reply: PortReply) => {
    if (reply.t === 'notify' || reply.t === 'lost') {
      const sub = subscribers.get(reply.sub);
      if (!sub) return;
      if (reply.t === 'notify') sub.onPayload(reply.payload);
      else {
        subscribers.delete(reply.sub);
        sub.onLost?.(new Error(reply.message));
      }
      return;
    }
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.t === 'ok') waiting.resolve(reply.rows);
    else waiting.reject(new PortStoreError(reply.error));
  };
  const onMessage = (message: unknown) => {
    const parsed = portReplySchema.safeParse(message);
    if (!parsed.success) log(`store port: ignoring a malformed reply: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    else onReply(parsed.data);
  };
  const shut = (reason: string) => {
    if (closedReason) return;
    closedReason = reason;
    port.off('message', onMessage);
    const err = new Error(`store port: ${reason}`);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    for (const sub of subscribers.values()) sub.onLost?.(err);
    subscribers.clear();
  };
  port.on('message', onMessage);
  port.once('close', () => shut('the store side closed'));

  const at = (p: 'fg' | 'bg'): Db => ({
    kind,
    async query<T>(sql: string, params?: readonly unknown[]) {
      return rowsOf<T>(await request({ t: 'query', p, sql, ...(params ? { params: [...params] } : {}) }));
    },
    async exec(sql: string) {
      await request({ t: 'exec', p, sql });
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const { id: tx, done: begun } = send({ t: 'begin', p });
      await begun;
      const inside: Queryable = {
        async query<R>(sql: string, params?: readonly unknown[]) {
          return rowsOf<R>(await request({ t: 'tx-query', tx, sql, ...(params ? { params: [...params] } : {}) }));
        },
        async exec(sql: string) {
          await request({ t: 'tx-exec', tx, sql });
        },
      };
      let result: T;
      try {
        result = await fn(inside);
      } catch (err) {
        // the callback's own error is the one to see; a failed rollback (the port gone) adds nothing
        await request({ t: 'end', tx, commit: false }).catch(() => undefined);
        throw err;
      }
      await request({ t: 'end', tx, commit: true });
      return result;
    },
    async listen(channel, onPayload, onLost) {
      const { id: sub, done: subscribed } = send({ t: 'listen', channel });
      subscribers.set(sub, { onPayload, ...(onLost ? { onLost } : {}) });
      try {
        await subscribed;
      } catch (err) {
        subscribers.delete(sub);
        throw err;
      }
      return async () => {
        if (!subscribers.delete(sub)) return;
        await request({ t: 'unlisten', sub }).catch(() => undefined);
      };
    },
    async close() {
      shut('closed');
    },
    background: () => background,
  });
  const background = at('bg');
  return at('fg');
}
