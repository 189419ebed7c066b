-- A store that runs for months (issue 17): every poll writes only what changed.

-- Raw sections, one row per node and section, rewritten only when that section's output changes (a poll
-- that sends the same output writes nothing). Replaces node_raw, which rewrote the whole bundle per poll.
create table node_raw_sections (
  node text not null references nodes(name) on delete cascade,
  section text not null,
  -- sha256 of (stdout, stderr, exit code, truncated): the row is rewritten when it differs
  content_key text not null,
  stdout text not null,
  stderr text not null default '',
  exit_code integer,
  truncated boolean not null default false,
  -- the collection time of the poll that first sent this output
  collected_at timestamptz not null,
  primary key (node, section)
) with (fillfactor = 90);

insert into node_raw_sections (node, section, content_key, stdout, stderr, exit_code, truncated, collected_at)
select r.node, e.key, 'migrated', coalesce(e.value->>'stdout', ''), coalesce(e.value->>'stderr', ''),
       (e.value->>'exitCode')::int, coalesce((e.value->>'truncated')::boolean, false), r.collected_at
  from node_raw r, jsonb_each(r.bundle->'sections') e;
drop table node_raw;

-- The collection time of the poll whose diagnosis node_summary and peer_verdicts describe. Written with the
-- status (the one row every poll writes), so an unchanged diagnosis is not rewritten to say "still true".
alter table node_status add column diagnosed_at timestamptz;
-- Polls update these rows in place: room on the page keeps the updates HOT (no index change, no bloat).
alter table node_status set (fillfactor = 50);
update node_status s set diagnosed_at = ns.collected_at from node_summary ns where ns.node = s.node;

-- node_raw as it was (node, collected_at, bundle), for ad-hoc SQL and older tools: the latest output of
-- each section, dated by the node's last successful poll. Services read node_raw_sections directly.
create view node_raw as
select r.node,
       coalesce(max(s.last_success_at), max(r.collected_at)) as collected_at,
       jsonb_build_object(
         'meta', jsonb_build_object('node', r.node, 'collectedAt',
           to_char(coalesce(max(s.last_success_at), max(r.collected_at)) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
         'sections', jsonb_object_agg(r.section, jsonb_build_object('stdout', r.stdout, 'stderr', r.stderr, 'exitCode', r.exit_code, 'truncated', r.truncated))
       ) as bundle
  from node_raw_sections r left join node_status s on s.node = r.node
 group by r.node;

-- Writing a whole bundle into node_raw replaces the node's sections (fixtures and tests write that way).
create function node_raw_insert() returns trigger language plpgsql as $$
begin
  delete from node_raw_sections where node = new.node;
  insert into node_raw_sections (node, section, content_key, stdout, stderr, exit_code, truncated, collected_at)
  select new.node, e.key, 'inserted', coalesce(e.value->>'stdout', ''), coalesce(e.value->>'stderr', ''),
         (e.value->>'exitCode')::int, coalesce((e.value->>'truncated')::boolean, false), new.collected_at
    from jsonb_each(new.bundle->'sections') e;
  return new;
end
$$;
create trigger node_raw_insert instead of insert on node_raw for each row execute function node_raw_insert();

-- Current verdicts are upserted per peer when their content changes, never deleted and re-inserted per poll.
-- content_key: sha256 of the row's content with the window's end left out (lib/storage/verdict-row.ts);
-- window_end: the window end the stored evidence names (readers restate it for the latest poll).
alter table peer_verdicts add column content_key text;
alter table peer_verdicts add column window_end timestamptz;
alter table peer_verdicts set (fillfactor = 70);

-- node_summary is rewritten only when its content changes. verdicts_version counts changes of the node's
-- peer_verdicts rows, so a reader can tell in one small query whether the peer grid changed.
alter table node_summary add column content_key text;
alter table node_summary add column verdicts_version bigint not null default 0;
-- the node's verdict in short (worst verdict, why unknown, findings): a change appends to node_verdict_changes
alter table node_summary add column verdict_key text;
alter table node_summary set (fillfactor = 70);

-- Verdict changes, append-only, kept for weeks like the state history: pinned views (?at=) older than the
-- kept log events read the verdicts from here. A row when a peer's verdict changes, appears (verdict set)
-- or goes away (verdict null).
create table peer_verdict_changes (
  id bigserial primary key,
  node text not null references nodes(name) on delete cascade,
  peer text not null,
  -- collection time of the poll that saw the change
  at timestamptz not null,
  verdict text,
  since timestamptz,
  interface text,
  local_ip text,
  warnings integer,
  last_warning_at timestamptz,
  evidence jsonb,
  details jsonb
);
create index peer_verdict_changes_node_at on peer_verdict_changes (node, at desc, id desc);

-- The node-level half: a row when the node's worst verdict, its cause or its findings change.
create table node_verdict_changes (
  id bigserial primary key,
  node text not null references nodes(name) on delete cascade,
  at timestamptz not null,
  worst_verdict text,
  worst_since timestamptz,
  node_unknown text,
  -- node_summary.diagnosis at that moment (findings, tunnels, daemon facts, known issues)
  diagnosis jsonb,
  facts jsonb
);
create index node_verdict_changes_node_at on node_verdict_changes (node, at desc, id desc);

-- The fleet grid counts send warnings of the last 15 minutes for every node: an index of just those.
create index liveness_events_send_warnings on liveness_events (at, node) where msg = 'liveness.scheduler: error writing UDP packet';
-- Retention deletes log events by time in small batches; rows arrive in time order, so a BRIN index is enough.
create index liveness_events_at_brin on liveness_events using brin (at);
