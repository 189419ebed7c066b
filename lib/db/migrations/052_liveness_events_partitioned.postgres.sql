-- PostgreSQL only (a file named NNN_name.postgres.sql is skipped on the embedded PGlite store).
-- Issue 17: the log is partitioned by day, so retention drops whole days (a catalog change, no dead rows,
-- no VACUUM of millions of deleted rows) instead of deleting row by row. Rows of a day without its own
-- partition (older than the partitions, or a node whose clock runs far ahead) land in the default
-- partition, where retention still deletes them by row. Partitions ahead of time are created by the
-- agents' maintenance (lib/storage/store/event-partitions.ts); see docs/storage.md.
-- A unique key of a partitioned table must contain the partition key: (node, dedupe_key) becomes
-- (node, dedupe_key, at). The dedupe key already holds the daemon's timestamp; ingest still skips a line
-- whose (node, dedupe_key) is stored in any partition (lib/ingest/store/poll.ts).
alter table liveness_events rename to liveness_events_unpartitioned;
alter table liveness_events_unpartitioned drop constraint liveness_events_pkey;
alter table liveness_events_unpartitioned drop constraint liveness_events_node_dedupe_key_key;
drop index liveness_events_node_at, liveness_events_peer, liveness_events_starts, liveness_events_send_warnings, liveness_events_at_brin;

create table liveness_events (
  id bigint not null default nextval('liveness_events_id_seq'),
  node text not null references nodes(name) on delete cascade,
  at timestamptz not null,
  level text not null,
  msg text not null,
  interface text,
  local_ip text,
  peer_ip text,
  error text,
  dedupe_key text not null,
  pid integer,
  primary key (id, at),
  unique (node, dedupe_key, at)
) partition by range (at);
create table liveness_events_default partition of liveness_events default;

create index liveness_events_node_at on liveness_events (node, at desc);
create index liveness_events_peer on liveness_events (node, peer_ip, at desc);
create index liveness_events_starts on liveness_events (node, at desc)
  where msg in ('liveness: manager starting', 'systemd: daemon started');
create index liveness_events_send_warnings on liveness_events (at, node) where msg = 'liveness.scheduler: error writing UDP packet';
create index liveness_events_at_brin on liveness_events using brin (at);

insert into liveness_events (id, node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid)
  select id, node, at, level, msg, interface, local_ip, peer_ip, error, dedupe_key, pid from liveness_events_unpartitioned;
alter sequence liveness_events_id_seq owned by liveness_events.id;
drop table liveness_events_unpartitioned;
