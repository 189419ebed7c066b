-- Prometheus counters kept by ingest (lib/metrics/store/record-poll.ts) in the poll's transaction.
-- Keyed by node so agents never contend on one hot row: each node is written by its lease holder only.
-- No foreign key: counters must not go down when a node leaves the inventory.
create table poll_counters (
  node text not null,
  -- 'ok' | 'error' | 'host-key-changed'
  result text not null,
  -- SshError kind of a failure ('' for a success)
  reason text not null,
  polls bigint not null default 0,
  poll_ms_sum bigint not null default 0,
  primary key (node, result, reason)
);

-- Poll-duration histogram: each poll counted once under the smallest bound it does not exceed
-- (lib/metrics/poll-buckets.ts); /metrics makes them cumulative.
create table poll_duration_buckets (
  node text not null,
  le_ms integer not null,
  polls bigint not null default 0,
  primary key (node, le_ms)
);
