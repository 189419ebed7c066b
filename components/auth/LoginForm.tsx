'use client';

import { useState, type FormEvent } from 'react';

export function LoginForm({ next, oidc }: { next: string; oidc: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? `Sign-in failed (HTTP ${res.status})`);
        return;
      }
      // A full navigation, not router.replace: the header's links prefetched pages while signed out,
      // and the client router would show that cached redirect back to sign-in.
      window.location.replace(next);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="mx-auto mt-16 max-w-sm">
      <h1 className="mb-4 text-lg font-semibold text-slate-100">Sign in</h1>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <label className="flex flex-col gap-1 text-slate-300">
          Username
          <input name="username" autoComplete="username" required className="rounded bg-slate-900 px-2 py-1 text-slate-100 ring-1 ring-slate-700" />
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className="rounded bg-slate-900 px-2 py-1 text-slate-100 ring-1 ring-slate-700"
          />
        </label>
        {error ? (
          <p role="alert" className="text-red-300">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy} className="rounded bg-sky-700 px-3 py-1 font-semibold text-white hover:bg-sky-600 disabled:opacity-50">
          Sign in
        </button>
      </form>
      {oidc ? (
        <a href="/api/auth/oidc/login" className="mt-4 block text-center text-sky-300 hover:underline">
          Sign in with your identity provider
        </a>
      ) : null}
    </div>
  );
}
