'use client';

import { verdicts } from '@/lib/diagnosis/verdict-schema';
import type { FleetView } from '@/lib/fleet/fleet-view';
import { TimePin } from '@/components/ui/TimePin';

// Search and filters of the fleet grid; every control writes straight to the URL. The header's pattern
// filters (peer, version, known issue, new) show as chips that clear them.
export function FleetToolbar(props: {
  view: FleetView;
  facets: { sites: string[]; tags: string[] };
  update: (patch: Record<string, string | null>) => void;
  at: string | null;
  shown: number;
  total: number;
}) {
  const { view, facets, update } = props;
  const chips: { key: keyof FleetView; label: string }[] = [
    ...(view.peer ? [{ key: 'peer' as const, label: `failing to peer ${view.peer}` }] : []),
    ...(view.version ? [{ key: 'version' as const, label: `version ${view.version}` }] : []),
    ...(view.issue ? [{ key: 'issue' as const, label: `known issue ${view.issue}` }] : []),
    ...(view.new ? [{ key: 'new' as const, label: 'new in the last 15 min' }] : []),
  ];
  return (
    <div className="mb-2 flex flex-wrap items-center gap-x-3 gap-y-2 text-xs">
      <label className="flex items-center gap-1">
        <span className="text-slate-400">Search</span>
        <input
          type="search"
          value={view.q}
          onChange={(e) => update({ q: e.target.value })}
          placeholder="node, site, tag"
          className="w-40 rounded border border-slate-700 bg-slate-900 px-2 py-1 sm:w-48"
        />
      </label>
      <Select label="Site" value={view.site} options={facets.sites} onChange={(v) => update({ site: v })} />
      <Select label="Tag" value={view.tag} options={facets.tags} onChange={(v) => update({ tag: v })} />
      <Select label="Verdict" value={view.verdict} options={[...verdicts, 'none']} onChange={(v) => update({ verdict: v })} />
      <TimePin at={props.at} onChange={(at) => update({ at })} />
      {chips.map((c) => (
        <span key={c.key} className="flex items-center gap-1 rounded bg-sky-900/60 px-2 py-0.5 text-sky-100 ring-1 ring-sky-700" data-testid="filter-chip">
          {c.label}
          <button type="button" onClick={() => update({ [c.key]: null })} aria-label={`Clear the filter: ${c.label}`} className="rounded px-1 hover:bg-sky-800">
            ✕
          </button>
        </span>
      ))}
      <span className="ml-auto text-slate-400" role="status">
        {props.shown} of {props.total} nodes
      </span>
    </div>
  );
}

function Select(props: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label className="flex items-center gap-1">
      <span className="text-slate-400">{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} className="max-w-36 rounded border border-slate-700 bg-slate-900 px-1 py-1">
        <option value="">all</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o === 'none' ? 'none (no liveness peer)' : o}
          </option>
        ))}
      </select>
    </label>
  );
}
