-- Maintenance that runs itself (lib/storage/store/maintenance.ts): each task is claimed for its period, so with
-- several agents on one PostgreSQL exactly one runs it.
create table maintenance_runs (
  task text primary key,
  last_run_at timestamptz not null
);

-- The audit log is never pruned by retention. An admin may archive a prefix of it (npm run audit:archive):
-- the records are exported to a file that verifies on its own, an anchor keeps the last archived record's
-- sequence number and hash, and the records up to it are removed in the same transaction. The chain in the
-- store then verifies from the anchor (npm run audit:verify), and the file from genesis (or the previous
-- anchor) to it.
create table audit_anchor (
  seq bigint primary key check (seq > 0),
  hash text not null,
  archived_at timestamptz not null default now(),
  archived_by text not null,
  -- sha256 of the archive file, so the copy kept elsewhere can be matched to this anchor
  archive_sha256 text not null,
  records integer not null
);

create function audit_anchor_check() returns trigger language plpgsql as $$
declare
  anchored record;
  newest bigint;
begin
  select seq, hash into anchored from audit_log where seq = new.seq;
  if anchored is null or anchored.hash <> new.hash then
    raise exception 'audit_anchor: record % with that hash is not in the log', new.seq;
  end if;
  if not exists (select 1 from audit_log where seq > new.seq) then
    raise exception 'audit_anchor: the newest record (the chain head) stays in the log';
  end if;
  select max(seq) into newest from audit_anchor;
  if newest is not null and new.seq <= newest then
    raise exception 'audit_anchor: % is not after the last anchor %', new.seq, newest;
  end if;
  return new;
end
$$;
create trigger audit_anchor_check before insert on audit_anchor for each row execute function audit_anchor_check();
create trigger audit_anchor_no_update_delete before update or delete on audit_anchor
  for each row execute function audit_log_refuse_change();
create trigger audit_anchor_no_truncate before truncate on audit_anchor
  for each statement execute function audit_log_refuse_change();

-- Records may be deleted only at or below an anchor (archived); nothing is ever updated or truncated.
create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' and tg_table_name = 'audit_log' and old.seq <= (select coalesce(max(seq), 0) from audit_anchor) then
    return old;
  end if;
  raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
end
$$;
