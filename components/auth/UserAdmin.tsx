'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { roles, type Role } from '@/lib/auth/roles';
import { userListSchema, type UserList } from '@/lib/auth/users';
import { fetchJson, HttpError } from '@/components/ui/fetch-json';

const input = 'rounded bg-slate-900 px-2 py-1 text-slate-100 ring-1 ring-slate-700';
const button = 'rounded bg-slate-700 px-2 py-1 text-white hover:bg-slate-600 disabled:opacity-50';
/** the reply to a change is not shown: only whether it succeeded */
const anyReply = z.unknown();

type User = UserList['users'][number];

/** Sends one change; the server audits it and ends the account's sessions. Returns the error text, if any. */
async function send(url: string, method: string, body?: unknown): Promise<string | null> {
  try {
    await fetchJson(url, anyReply, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return null;
  } catch (err) {
    return err instanceof HttpError || err instanceof Error ? err.message : 'failed';
  }
}

export function UserAdmin({ me }: { me: string }) {
  const client = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: () => fetchJson('/api/auth/users', userListSchema) });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function act(what: string, url: string, method: string, body?: unknown): Promise<boolean> {
    setBusy(true);
    const error = await send(url, method, body);
    setBusy(false);
    setMessage(error ? { ok: false, text: `${what}: ${error}` } : { ok: true, text: `${what}: done` });
    await client.invalidateQueries({ queryKey: ['users'] });
    return error === null;
  }

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '');
    if (await act(`create ${username}`, '/api/auth/users', 'POST', { username, password: data.get('password'), role: data.get('role') })) form.reset();
  }

  const path = (u: User) => `/api/auth/users/${encodeURIComponent(u.username)}`;

  return (
    <div>
      <h1 className="mb-3 text-lg font-semibold text-slate-100">Accounts</h1>
      <p className="mb-3 text-slate-400">Every change is in the audit log and signs the account out of every open session.</p>
      <form onSubmit={create} aria-label="New account" className="mb-4 flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-slate-300">
          Username
          <input name="username" required className={input} autoComplete="off" />
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          Password
          <input name="password" type="password" required minLength={12} className={input} autoComplete="new-password" />
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          Role
          <select name="role" defaultValue="viewer" className={input}>
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={busy} className={button}>
          Create
        </button>
      </form>
      {message ? (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'mb-3 text-emerald-300' : 'mb-3 text-red-300'}>
          {message.text}
        </p>
      ) : null}
      {users.error ? <p role="alert">{users.error.message}</p> : null}
      {/* wide on a phone: the table scrolls inside its box, never the page */}
      <div className="max-w-4xl overflow-x-auto">
        <table className="w-full text-left">
          <thead className="text-slate-400">
            <tr>
              <th className="py-1">Account</th>
              <th>Sign-in</th>
              <th>Role</th>
              <th>Status</th>
              <th>New password</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(users.data?.users ?? []).map((u) => (
              <UserRowView key={u.username} user={u} self={u.username === me} busy={busy} path={path(u)} act={act} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function UserRowView(props: {
  user: User;
  self: boolean;
  busy: boolean;
  path: string;
  act: (what: string, url: string, method: string, body?: unknown) => Promise<boolean>;
}) {
  const { user: u, self, busy, path, act } = props;
  const [password, setPassword] = useState('');
  const local = u.source === 'local';
  return (
    <tr className="border-t border-slate-800" data-testid={`user-${u.username}`}>
      <td className="py-1 text-slate-100">
        {u.username}
        {self ? <span className="text-slate-400"> (you)</span> : null}
      </td>
      <td className="text-slate-300">{local ? 'password' : 'identity provider'}</td>
      <td>
        <select
          aria-label={`Role of ${u.username}`}
          value={u.role}
          disabled={busy || !local || self}
          className={input}
          onChange={(e) => void act(`role of ${u.username}`, path, 'PATCH', { role: e.target.value as Role })}
        >
          {roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </td>
      <td>
        <button
          type="button"
          disabled={busy || self}
          className={button}
          onClick={() => void act(`${u.disabled ? 'enable' : 'disable'} ${u.username}`, path, 'PATCH', { disabled: !u.disabled })}
        >
          {u.disabled ? `Enable ${u.username}` : `Disable ${u.username}`}
        </button>
        {u.disabled ? <span className="ml-2 text-amber-300">disabled</span> : null}
      </td>
      <td>
        {local ? (
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void act(`password of ${u.username}`, `${path}/password`, 'POST', { password }).then((ok) => ok && setPassword(''));
            }}
          >
            <input
              aria-label={`New password for ${u.username}`}
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              minLength={12}
              required
              className={input}
              autoComplete="new-password"
            />
            <button type="submit" disabled={busy} className={button}>
              Reset
            </button>
          </form>
        ) : null}
      </td>
      <td>
        {local && !self ? (
          <button
            type="button"
            disabled={busy}
            className="rounded bg-red-800 px-2 py-1 text-white hover:bg-red-700 disabled:opacity-50"
            onClick={() => {
              if (window.confirm(`Delete ${u.username}? Their audit records stay.`)) void act(`delete ${u.username}`, path, 'DELETE');
            }}
          >
            Delete {u.username}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
