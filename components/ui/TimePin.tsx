'use client';

import { useState } from 'react';

// Pins the view to a past moment (`?at=`, UTC) or returns it to live. The input is UTC on purpose: a NOC
// shares links across time zones, and alert times arrive in UTC.
export function TimePin({ at, onChange }: { at: string | null; onChange: (at: string | null) => void }) {
  const [draft, setDraft] = useState(at ? at.slice(0, 19) : '');
  const apply = () => {
    const t = Date.parse(`${draft}Z`);
    if (!Number.isNaN(t)) onChange(new Date(t).toISOString());
  };
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <label className="flex items-center gap-1">
        <span className="text-slate-400">At (UTC)</span>
        <input
          type="datetime-local"
          step={1}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          className="rounded border border-slate-700 bg-slate-900 px-1 py-0.5"
        />
      </label>
      <button type="submit" className="rounded bg-slate-800 px-2 py-0.5 hover:bg-slate-700" disabled={!draft}>
        Pin
      </button>
      {at ? (
        <button
          type="button"
          onClick={() => {
            setDraft('');
            onChange(null);
          }}
          className="rounded bg-slate-800 px-2 py-0.5 hover:bg-slate-700"
        >
          Live
        </button>
      ) : null}
    </form>
  );
}
