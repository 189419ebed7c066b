-- Alerts received from Prometheus Alertmanager (webhook v4). One row per alert episode: Alertmanager keeps
-- the fingerprint of a label set across episodes, a new startsAt is a new episode. Rows are never deleted
-- on resolve, so triage links keep working afterwards.
create table alerts (
  fingerprint text not null,
  starts_at timestamptz not null,
  ends_at timestamptz,
  status text not null check (status in ('firing', 'resolved')),
  alertname text,
  labels jsonb not null,
  annotations jsonb not null,
  generator_url text,
  receiver text,
  -- inventory node / liveness peer the labels point at; no foreign key: the inventory may change later
  node text,
  peer text,
  first_received_at timestamptz not null,
  last_received_at timestamptz not null,
  primary key (fingerprint, starts_at)
);
create index alerts_latest on alerts (last_received_at desc);
create index alerts_node on alerts (node, starts_at desc);
