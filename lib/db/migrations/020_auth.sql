-- Local accounts and OIDC-provisioned users. password_hash is an argon2id PHC string (null for OIDC users).
create table users (
  id text primary key,
  username text not null unique,
  password_hash text,
  role text not null check (role in ('viewer', 'operator', 'approver', 'admin')),
  source text not null check (source in ('local', 'oidc')),
  oidc_subject text unique,
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

-- Only the sha256 of a session token is stored: a copy of the database does not sign anyone in.
create table sessions (
  token_hash text primary key,
  user_id text not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

-- Failed sign-ins, for the per-account rate limit (the audit log keeps the permanent record).
create table login_failures (
  id bigserial primary key,
  username text not null,
  at timestamptz not null default now()
);
create index login_failures_user_at on login_failures (username, at desc);
