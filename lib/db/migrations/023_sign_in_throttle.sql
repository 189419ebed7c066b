-- Sign-in throttling (lib/auth/store/sign-in-throttle.ts). One row per bucket: a source address, an
-- account from one source address, or an account from addresses it was never signed in from. The
-- attempt is counted by one upsert before the password is checked, so parallel requests cannot all
-- read "under the limit" (issue 14, finding 1).
create table sign_in_throttle (
  bucket text primary key,
  window_start timestamptz not null,
  attempts integer not null
);
create index sign_in_throttle_window on sign_in_throttle (window_start);

-- Addresses an account signed in from: during a distributed guessing attack on that account, only
-- these may still try (the account is not locked for its owner).
create table sign_in_known_sources (
  username text not null,
  source text not null,
  last_success_at timestamptz not null,
  primary key (username, source)
);
create index sign_in_known_sources_last on sign_in_known_sources (last_success_at);

-- Failed sign-ins under usernames that do not exist, counted per source and 15-minute window; each
-- closed window becomes one audit record, so invented names never reach the append-only log.
create table sign_in_unknown_failures (
  source text not null,
  window_start timestamptz not null,
  failures integer not null,
  primary key (source, window_start)
);

-- Replaced by sign_in_throttle (it was read before and written after the password check).
drop table login_failures;
