import 'server-only';
import type { MessagePort } from 'node:worker_threads';
import { portRequestSchema, toPortError, type PortReply, type PortRequest } from './port-protocol';
import type { Db, Queryable } from './types';

// The main-thread side of the store over a MessagePort (port-protocol.ts): runs each request of the other
// side on the real store, foreground requests on `db`, background ones on `db.background()`, so the store's
// gate keeps page reads first. A transaction holds the store's transaction from `begin` to `end`; when the
// other side goes away (its thread exited), open transactions roll back and its subscriptions end.

interface OpenTransaction {
  tx?: Queryable;
  end: (commit: boolean) => void;
  endId?: number;
}

export interface PortHost {
  /** transactions begun and not yet ended (tests, shutdown) */
  readonly openTransactions: number;
  /** Rolls back open transactions, ends subscriptions and stops answering. */
  close(): Promise<void>;
}

/** Thrown inside the store's transaction callback to roll it back when the other side asked for it. */
class RollbackRequested extends Error {}

export function serveDbOverPort(port: MessagePort, db: Db, opts: { log?: (message: string) => void } = {}): PortHost {
  const log = opts.log ?? ((m: string) => console.error(m));
  const transactions = new Map<number, OpenTransaction>();
  const subscriptions = new Map<number, Promise<(() => Promise<void>) | undefined>>();
  const settled = new Set<Promise<unknown>>();
  let closed = false;
  let closing: Promise<void> | undefined;

  const send = (reply: PortReply) => {
    if (!closed) port.postMessage(reply);
  };
  const fail = (id: number, err: unknown) => send({ t: 'err', id, error: toPortError(err) });
  const at = (p: 'fg' | 'bg'): Db => (p === 'bg' ? (db.background?.() ?? db) : db);
  const track = (work: Promise<unknown>) => {
    settled.add(work);
    void work.finally(() => settled.delete(work));
  };

  const begin = (id: number, p: 'fg' | 'bg') => {
    let end!: (commit: boolean) => void;
    const ended = new Promise<boolean>((resolve) => (end = resolve));
    const open: OpenTransaction = { end };
    transactions.set(id, open);
    const work = at(p)
      .transaction(async (tx) => {
        open.tx = tx;
        send({ t: 'ok', id });
        if (!(await ended)) throw new RollbackRequested();
      })
      .then(
        () => {
          transactions.delete(id);
          if (open.endId !== undefined) send({ t: 'ok', id: open.endId });
        },
        (err: unknown) => {
          transactions.delete(id);
          // not begun: the answer to `begin` is the error; ended: the answer to `end` (a rollback asked for is ok)
          if (!open.tx) fail(id, err);
          else if (open.endId !== undefined) {
            if (err instanceof RollbackRequested) send({ t: 'ok', id: open.endId });
            else fail(open.endId, err);
          }
        },
      );
    track(work);
  };

  const handle = (req: PortRequest): void => {
    switch (req.t) {
      case 'query':
        track(
          at(req.p)
            .query(req.sql, req.params)
            .then(
              (r) => send({ t: 'ok', id: req.id, rows: r.rows }),
              (err: unknown) => fail(req.id, err),
            ),
        );
        return;
      case 'exec':
        track(
          at(req.p)
            .exec(req.sql)
            .then(
              () => send({ t: 'ok', id: req.id }),
              (err: unknown) => fail(req.id, err),
            ),
        );
        return;
      case 'begin':
        begin(req.id, req.p);
        return;
      case 'tx-query':
      case 'tx-exec': {
        const tx = transactions.get(req.tx)?.tx;
        if (!tx) return fail(req.id, new Error(`store port: transaction ${req.tx} is not open`));
        const run = req.t === 'tx-query' ? tx.query(req.sql, req.params).then((r) => r.rows) : tx.exec(req.sql).then(() => undefined);
        track(
          run.then(
            (rows) => send(rows ? { t: 'ok', id: req.id, rows } : { t: 'ok', id: req.id }),
            (err: unknown) => fail(req.id, err),
          ),
        );
        return;
      }
      case 'end': {
        const open = transactions.get(req.tx);
        if (!open) return fail(req.id, new Error(`store port: transaction ${req.tx} is not open`));
        open.endId = req.id;
        open.end(req.commit);
        return;
      }
      case 'listen': {
        const sub = db
          .listen(
            req.channel,
            (payload) => send({ t: 'notify', sub: req.id, payload }),
            (err) => {
              subscriptions.delete(req.id);
              send({ t: 'lost', sub: req.id, message: err.message });
            },
          )
          .then(
            (unlisten) => {
              send({ t: 'ok', id: req.id });
              return unlisten;
            },
            (err: unknown) => {
              subscriptions.delete(req.id);
              fail(req.id, err);
              return undefined;
            },
          );
        subscriptions.set(req.id, sub);
        track(sub);
        return;
      }
      case 'unlisten': {
        const sub = subscriptions.get(req.sub);
        subscriptions.delete(req.sub);
        track(
          (sub ?? Promise.resolve(undefined))
            .then((unlisten) => unlisten?.())
            .then(
              () => send({ t: 'ok', id: req.id }),
              (err: unknown) => fail(req.id, err),
            ),
        );
        return;
      }
    }
  };

  const onMessage = (message: unknown) => {
    const parsed = portRequestSchema.safeParse(message);
    if (!parsed.success) {
      log(`store port: refusing a malformed request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return;
    }
    handle(parsed.data);
  };
  port.on('message', onMessage);

  return {
    get openTransactions() {
      return transactions.size;
    },
    close() {
      return (closing ??= (async () => {
        closed = true;
        port.off('message', onMessage);
        for (const open of transactions.values()) open.end(false);
        const subs = [...subscriptions.values()];
        subscriptions.clear();
        for (const sub of subs) {
          const unlisten = await sub.catch(() => undefined);
          await unlisten?.().catch(() => undefined);
        }
        await Promise.allSettled([...settled]);
      })());
    },
  };
}
