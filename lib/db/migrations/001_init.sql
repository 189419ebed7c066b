-- Fleet inventory as loaded at start (the inventory file stays the source of truth).
create table nodes (
  name text primary key,
  host text not null,
  port integer not null,
  ssh_user text not null,
  site text,
  tags jsonb not null default '[]'::jsonb,
  proxy_jump text,
  updated_at timestamptz not null default now()
);

-- Poll status per node: what the fleet page shows as freshness and error.
create table node_status (
  node text primary key references nodes(name) on delete cascade,
  state text not null check (state in ('pending', 'ok', 'error', 'host-key-changed')),
  last_poll_at timestamptz,
  last_success_at timestamptz,
  poll_ms integer,
  consecutive_failures integer not null default 0,
  -- { kind, message, host, command, exitCode, stderr } of the last failure, null after a success
  last_error jsonb
);

-- The latest raw capture bundle of each node, exactly as collected.
create table node_raw (
  node text primary key references nodes(name) on delete cascade,
  collected_at timestamptz not null,
  bundle jsonb not null
);

-- Liveness log events, deduplicated across overlapping journal reads.
create table liveness_events (
  id bigserial primary key,
  node text not null references nodes(name) on delete cascade,
  at timestamptz not null,
  level text not null,
  msg text not null,
  interface text,
  local_ip text,
  peer_ip text,
  error text,
  dedupe_key text not null,
  unique (node, dedupe_key)
);
create index liveness_events_node_at on liveness_events (node, at desc);
create index liveness_events_peer on liveness_events (node, peer_ip, at desc);
