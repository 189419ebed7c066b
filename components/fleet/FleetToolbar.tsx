'use client';

import { verdicts } from '@/lib/api/verdict';
import type { FleetView } from '@/lib/api/fleet-view';
import { TimePin } from '@/components/ui/TimePin';

// Search and filters of the fleet grid; every control writes straight to the URL.
export function FleetToolbar(props: {
  view: FleetView;
  facets: { sites: string[]; tags: string[] };
  update: (patch: Record<string, string | null>) => void;
  at: string | null;
  shown: number;
  total: number;
}) {
  const { view, facets, update } = props;
  return (
    <div className="mb-2 flex flex-wrap items-center gap-3 text-xs">
      <label className="flex items-center gap-1">
        <span className="text-slate-400">Search</span>
        <input
          type="search"
          value={view.q}
          onChange={(e) => update({ q: e.target.value })}
          placeholder="node, site, tag"
          className="w-48 rounded border border-slate-700 bg-slate-900 px-2 py-1"
        />
      </label>
      <Select label="Site" value={view.site} options={facets.sites} onChange={(v) => update({ site: v })} />
      <Select label="Tag" value={view.tag} options={facets.tags} onChange={(v) => update({ tag: v })} />
      <Select label="Verdict" value={view.verdict} options={[...verdicts]} onChange={(v) => update({ verdict: v })} />
      <TimePin at={props.at} onChange={(at) => update({ at })} />
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
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} className="rounded border border-slate-700 bg-slate-900 px-1 py-1">
        <option value="">all</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
