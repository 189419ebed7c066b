-- Many machines (issue 7): agents share the fleet through node leases. Every agent refreshes its
-- heartbeat and its leases on each lease tick (lib/lease/store/tick.ts); a dead agent's rows expire
-- and the others claim its nodes with FOR UPDATE SKIP LOCKED. Times are the database's clock, so agents
-- on machines with skewed clocks still agree on who holds what.
create table agent_heartbeats (
  agent_id text primary key,
  host text not null,
  pid integer not null,
  started_at timestamptz not null,
  seen_at timestamptz not null,
  -- an agent counts as alive (for the fair share) until this moment
  expires_at timestamptz not null
);
create index agent_heartbeats_expires on agent_heartbeats (expires_at);

-- One row per node (created by the first tick that sees the node); agent_id null = never claimed or released.
create table node_leases (
  node text primary key references nodes(name) on delete cascade,
  agent_id text,
  acquired_at timestamptz,
  expires_at timestamptz,
  check ((agent_id is null) = (expires_at is null))
);
create index node_leases_agent on node_leases (agent_id);
