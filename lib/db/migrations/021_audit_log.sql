-- Append-only, hash-chained audit log (lib/audit/chain.ts). body is the canonical JSON that is hashed;
-- at/type/actor/node are copies for filtering, checked against body by `npm run audit:verify`.
create table audit_log (
  seq bigint primary key check (seq > 0),
  at text not null,
  type text not null,
  actor text not null,
  node text,
  prev_hash text not null,
  hash text not null unique,
  body text not null
);
create index audit_log_node on audit_log (node, seq desc);
create index audit_log_type on audit_log (type, seq desc);
create index audit_log_actor on audit_log (actor, seq desc);
create index audit_log_at on audit_log (at);

-- The database itself refuses to change history, whatever the application code does.
create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_no_update_delete before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();

-- A new record must extend the chain: next sequence number, linked to the current head.
create function audit_log_check_link() returns trigger language plpgsql as $$
declare
  head record;
begin
  select seq, hash into head from audit_log order by seq desc limit 1;
  if head is null then
    if new.seq <> 1 or new.prev_hash <> repeat('0', 64) then
      raise exception 'audit_log: first record must have seq 1 and the genesis link';
    end if;
  elsif new.seq <> head.seq + 1 or new.prev_hash <> head.hash then
    raise exception 'audit_log: record % does not extend the chain head %', new.seq, head.seq;
  end if;
  return new;
end
$$;
create trigger audit_log_link before insert on audit_log
  for each row execute function audit_log_check_link();

-- On PostgreSQL, the application role gets no UPDATE/DELETE/TRUNCATE grant at all.
revoke update, delete, truncate on audit_log from public;
