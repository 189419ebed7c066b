-- What the webhook cut or doubted when it stored an alert (lib/alerts/alert-bounds.ts): oversize labels and
-- annotations, a startsAt after the alert arrived. A JSON array of readable strings.
alter table alerts add column if not exists notes jsonb not null default '[]'::jsonb;
-- The store is bounded (lib/alerts/store/record-alerts.ts): eviction reads alerts by status and last receipt.
create index if not exists alerts_eviction on alerts (status, last_received_at);
