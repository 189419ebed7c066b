-- Verdict lifecycle (issue 12) and daemon-faithful diagnosis (issue 11).
-- `recovering`: the cause is gone but its warnings are still inside the window.
alter table peer_verdicts drop constraint if exists peer_verdicts_verdict_check;
alter table peer_verdicts add constraint peer_verdicts_verdict_check
  check (verdict in ('unknown', 'interface-missing', 'interface-down', 'stale-session', 'no-route', 'firewall-blocked', 'recovering', 'healthy'));
-- when the peer's current verdict began: kept while the verdict stays, reset when it changes
alter table peer_verdicts add column if not exists since timestamptz;
-- the node-level half of the diagnosis (findings, tunnels, daemon facts), so every view reads the same one
alter table node_summary add column if not exists diagnosis jsonb;
-- when the node's worst verdict began (same rule as peer_verdicts.since)
alter table node_summary add column if not exists worst_since timestamptz;
-- the daemon process that wrote a log line: a new PID is a new daemon, whose sessions replace the old ones
alter table liveness_events add column if not exists pid integer;
-- the last daemon start before the window is read on every ingest
create index if not exists liveness_events_starts on liveness_events (node, at desc)
  where msg in ('liveness: manager starting', 'systemd: daemon started');
