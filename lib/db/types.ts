// The one store interface: PGlite (embedded) and PostgreSQL (DATABASE_URL) speak the same SQL.
// Conventions: bigint columns are cast in SQL (::int / ::text) because the drivers differ on them;
// timestamptz comes back as Date from both; jsonb as parsed values.
export interface QueryResult<T> {
  rows: T[];
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel; returns the unsubscribe function. `onLost` is called once if the
   * subscription dies with its connection (PostgreSQL restart or failover): subscribe again to resume.
   */
  listen(channel: string, onPayload: (payload: string) => void, onLost?: (err: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /**
   * The same store for work nobody waits on (poll ingest, maintenance): on the embedded PGlite store, with its
   * one connection, page reads go first. On PostgreSQL (a pool) the same object.
   */
  background?(): Db;
}
