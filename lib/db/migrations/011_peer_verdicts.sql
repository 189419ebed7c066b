-- Current diagnosis for the grids, replaced per node on each poll (lib/ingest/store/record-diagnosis.ts).
create table peer_verdicts (
  node text not null references nodes(name) on delete cascade,
  peer text not null,
  interface text not null,
  local_ip text not null,
  verdict text not null check (verdict in ('unknown', 'interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'healthy')),
  -- send warnings for this peer in the window before collection (doublezerod logs one per 5 s per peer at most)
  warnings integer not null default 0,
  last_warning_at timestamptz,
  -- readable proof, most important first (string array)
  evidence jsonb not null,
  -- structured evidence (lib/diagnosis/types.ts StructuredEvidence): missing address, route lookup, nft rule, ...
  details jsonb not null default '{}'::jsonb,
  diagnosed_at timestamptz not null,
  primary key (node, peer)
);
create index peer_verdicts_verdict on peer_verdicts (verdict, node);
create index peer_verdicts_peer on peer_verdicts (peer);

-- One row per node: what the fleet grid shows without reading every peer.
create table node_summary (
  node text primary key references nodes(name) on delete cascade,
  -- worst verdict over the node's peers (null: no liveness peer known)
  worst_verdict text,
  -- why the whole node is unknown (poll failed/stale, sections missing), null when diagnosable
  node_unknown text,
  doublezero0 text not null check (doublezero0 in ('missing', 'down', 'up')),
  warnings_in_window integer not null default 0,
  peer_count integer not null default 0,
  -- {"healthy": 12, "stale-session": 3, ...}
  verdict_counts jsonb not null default '{}'::jsonb,
  collected_at timestamptz not null,
  diagnosed_at timestamptz not null
);
create index node_summary_worst on node_summary (worst_verdict);
