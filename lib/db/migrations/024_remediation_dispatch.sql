-- Actions from any dashboard (issue 13): a dashboard that runs no agent stores the work here, and the
-- agent holding the node's lease (040_leases.sql) takes it, over NOTIFY fnh_remediation_work or its poll
-- fallback. Two kinds: one remediation run (its claim, intent and outcome stay in remediation_runs and
-- the audit log, written by the agent in the same transactions as an embedded run), and one read of the
-- daemon's status (a reconnect chooses its commands by the node's mode, read live at preview and request).
-- Times are the database's clock, like the leases.
create table remediation_dispatch (
  id text primary key,
  kind text not null check (kind in ('run', 'status-read')),
  node text not null,
  run_id text unique references remediation_runs(id),
  requested_at timestamptz not null,
  -- the lease holder when it was stored (any agent holding the lease at pickup time may take it)
  addressed_to text not null,
  -- no agent may take it after this moment; the requester (or any sweep) then closes it with a refusal
  pickup_by timestamptz not null,
  -- the agent process that took it: a run it left running is orphaned once no live heartbeat has this
  -- agent id, host and pid (an agent restarted under the same id is another process)
  picked_by text,
  picked_host text,
  picked_pid integer,
  picked_at timestamptz,
  -- status-read: the command's capped result ({exitCode, stdout, stderr, truncated, timedOut})
  result jsonb,
  -- set when nothing more will happen to it: done, or refused (then `refusal` says why)
  closed_at timestamptz,
  refusal text,
  check ((kind = 'run') = (run_id is not null)),
  check ((picked_by is null) = (picked_at is null))
);
-- what an agent looks for on each wake-up: open work, by node
create index remediation_dispatch_open on remediation_dispatch (node) where picked_by is null and closed_at is null;
create index remediation_dispatch_picked on remediation_dispatch (picked_by) where picked_by is not null;
