-- Normalized node state (lib/model StableNodeState), stored change-only: a row only when the state hash
-- differs from the state in effect before it, so any past moment is the latest row at or before it.
create table node_state_history (
  id bigserial primary key,
  node text not null references nodes(name) on delete cascade,
  -- collection time of the first poll that saw this state
  at timestamptz not null,
  state_hash text not null,
  state jsonb not null
);
create index node_state_history_node_at on node_state_history (node, at desc, id desc);
