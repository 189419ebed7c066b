-- A remediation request: one action with its parameters over one or more nodes (a bulk request runs
-- node by node, stopping at the first node that fails). Approval, when the action needs it, is per batch.
create table remediation_batches (
  id text primary key,
  idempotency_key text not null,
  requested_by text not null,
  requested_role text not null,
  action text not null,
  params jsonb not null,
  reason text not null,
  alert_url text,
  target_peer text,
  needs_approval boolean not null,
  state text not null check (state in ('awaiting-approval', 'approved', 'rejected', 'ready', 'running', 'done')),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz not null,
  -- a double click or a retried request with the same key finds this row instead of running again
  unique (requested_by, idempotency_key)
);
create index remediation_batches_created on remediation_batches (created_at desc);
create index remediation_batches_user_created on remediation_batches (requested_by, created_at desc);

create table remediation_runs (
  id text primary key,
  batch_id text not null references remediation_batches(id),
  position integer not null,
  node text not null,
  commands jsonb not null,
  state text not null check (state in ('pending', 'running', 'verified', 'not-verified', 'failed', 'conflict', 'skipped', 'outcome-unknown', 'rejected')),
  started_at timestamptz,
  deadline_at timestamptz,
  finished_at timestamptz,
  results jsonb,
  evidence_before jsonb,
  evidence_after jsonb,
  summary text,
  unique (batch_id, position)
);
create index remediation_runs_node on remediation_runs (node, started_at desc);

-- One remediation at a time per node, enforced by the database across processes.
create unique index remediation_runs_one_running_per_node on remediation_runs (node) where state = 'running';
