import pg from 'pg';
import type { Db, Queryable } from './types';

export async function openPostgres(connectionString: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle connection dropped by the server (restart, failover, admin kill) is an 'error' event on the
  // pool: without a listener it would crash the process. The pool discards it and connects anew.
  pool.on('error', (err) => console.error(`store: PostgreSQL connection lost: ${err.message}`));
  // Fail fast on a wrong URL instead of at the first page load.
  await pool.query('select 1');
  const run = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async exec(sql: string) {
      await client.query(sql);
    },
    async query<T>(sql: string, params?: readonly unknown[]) {
      const res = await client.query(sql, params ? [...params] : undefined);
      return { rows: res.rows as T[] };
    },
  });
  return {
    kind: 'postgres',
    ...run(pool),
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client has no pool error listener: a connection dropped mid-transaction (server
      // restart) would be an unhandled 'error' event and crash the process. A broken client is destroyed.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const out = await fn(run(client));
        await client.query('commit');
        return out;
      } catch (err) {
        await client.query('rollback').catch((rollbackErr: unknown) => {
          broken ??= rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        });
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async listen(channel, onPayload, onLost) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
      const client = await pool.connect();
      let released = false;
      let unsubscribing = false;
      const handler = (msg: pg.Notification) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      };
      // A checked-out client has no pool error listener: without this, a dropped LISTEN connection crashes the process.
      const onError = (err: Error) => {
        if (released) return;
        released = true;
        client.off('notification', handler);
        client.release(err); // destroyed, not returned to the pool
        if (!unsubscribing) onLost?.(err);
      };
      client.on('notification', handler);
      client.on('error', onError);
      await client.query(`listen ${channel}`);
      return async () => {
        if (released || unsubscribing) return;
        unsubscribing = true;
        client.off('notification', handler);
        await client.query(`unlisten ${channel}`).catch(() => undefined);
        if (released) return; // the connection died meanwhile and onError destroyed it
        released = true;
        client.off('error', onError);
        client.release();
      };
    },
    close: () => pool.end(),
  };
}
