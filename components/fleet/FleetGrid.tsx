'use client';

import Link from 'next/link';
import { checkIds, checkTitles, type CheckId } from '@/lib/api/check';
import type { FleetRow } from '@/lib/api/fleet';
import { facetValues, filterFleet, parseFleetView, sortFleet, type FleetSort } from '@/lib/api/fleet-view';
import { formatAge } from '@/lib/api/poll-freshness';
import { Legend } from '@/components/ui/Legend';
import { PinnedBanner } from '@/components/ui/PinnedBanner';
import { checkStatusClass, verdictClass } from '@/components/ui/colors';
import { useGridKeyboard } from '@/components/ui/use-grid-keyboard';
import { useSearchState } from '@/components/ui/use-search-state';
import { FleetToolbar } from './FleetToolbar';
import { NodeCellPane } from './NodeCellPane';
import { useFleet } from './use-fleet';

// The NOC's main screen: node × check, live. Column 0 is the node name; columns 1..n are the checks.
export function FleetGrid() {
  const { params, update } = useSearchState();
  const view = parseFleetView(params);
  const at = params.at ?? null;
  const fleet = useFleet(at);
  const all = fleet.data?.nodes ?? [];
  const rows = sortFleet(filterFleet(all, view), view.sort, view.dir);
  const facets = facetValues(all);

  const open = (row: FleetRow, check: CheckId) => update({ node: row.name, check });
  const kb = useGridKeyboard({
    rows: rows.length,
    cols: checkIds.length + 1,
    onActivate: ({ row, col }) => {
      const r = rows[row];
      const check = checkIds[col - 1];
      if (r && check) open(r, check);
      else if (r) update({ node: r.name, check: null });
    },
  });

  // A new column sorts worst-first; clicking the active column flips the direction.
  const sortBy = (key: FleetSort) => {
    const dir = view.sort === key ? (view.dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
    update({ sort: key === 'name' ? null : key, dir: dir === 'asc' ? null : dir });
  };

  return (
    <div className="flex gap-4">
      <section className="min-w-0 flex-1">
        <PinnedBanner at={at} onUnpin={() => update({ at: null })} />
        <FleetToolbar view={view} facets={facets} update={update} at={at} shown={rows.length} total={all.length} />
        {fleet.isPending ? (
          <p className="py-8 text-slate-400" role="status">Loading fleet…</p>
        ) : fleet.isError ? (
          <p className="py-8 text-red-300" role="alert">Could not load the fleet: {fleet.error.message}</p>
        ) : all.length === 0 ? (
          <p className="py-8 text-slate-400" role="status">No nodes in the inventory yet.</p>
        ) : rows.length === 0 ? (
          <p className="py-8 text-slate-400" role="status">No node matches these filters.</p>
        ) : (
          <table role="grid" aria-label="Fleet grid: node by check" className="w-full border-collapse text-xs" onKeyDown={kb.onKeyDown}>
            <thead>
              <tr className="text-left text-slate-400">
                <SortHeader label="node" active={view.sort === 'name'} dir={view.dir} onClick={() => sortBy('name')} />
                <th className="px-2 py-1 font-medium">site</th>
                {checkIds.map((id) => (
                  <SortHeader key={id} label={checkTitles[id]} active={view.sort === id} dir={view.dir} onClick={() => sortBy(id)} />
                ))}
                <SortHeader label="since" title="when the worst verdict began; sort: newest problem first" active={view.sort === 'since'} dir={view.dir} onClick={() => sortBy('since')} />
                <th className="px-2 py-1 font-medium" title="send warnings in the 15 minutes before the view's moment: a sample (doublezerod logs one per 5 s for the whole daemon)">warnings 15m</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, ri) => (
                <tr key={r.name} data-node={r.name} className={`border-t border-slate-800 ${view.node === r.name ? 'bg-slate-800/60' : ''}`}>
                  <td
                    role="gridcell"
                    data-row={ri}
                    data-col={0}
                    tabIndex={kb.pos.row === ri && kb.pos.col === 0 ? 0 : -1}
                    className="px-2 py-1 font-mono whitespace-nowrap"
                    onFocus={() => kb.setPos({ row: ri, col: 0 })}
                  >
                    <Link href={`/nodes/${encodeURIComponent(r.name)}${at ? `?at=${encodeURIComponent(at)}` : ''}`} className="text-sky-300 hover:underline" tabIndex={-1}>
                      {r.name}
                    </Link>
                  </td>
                  <td className="px-2 py-1 text-slate-400">{r.site ?? ''}</td>
                  {checkIds.map((id, ci) => {
                    const cell = r.checks[id];
                    if (!cell) return <td key={id} />;
                    const selected = view.node === r.name && view.check === id;
                    return (
                      <td
                        key={id}
                        role="gridcell"
                        data-row={ri}
                        data-col={ci + 1}
                        data-check={id}
                        data-status={cell.status}
                        aria-selected={selected}
                        tabIndex={kb.pos.row === ri && kb.pos.col === ci + 1 ? 0 : -1}
                        title={cell.detail ?? cell.label}
                        onClick={() => {
                          kb.setPos({ row: ri, col: ci + 1 });
                          open(r, id);
                        }}
                        onFocus={() => kb.setPos({ row: ri, col: ci + 1 })}
                        className={`cursor-pointer px-2 py-1 text-center whitespace-nowrap ${id === 'verdict' && r.worstVerdict && cell.status !== 'unknown' ? verdictClass[r.worstVerdict] : checkStatusClass[cell.status]} ${selected ? 'ring-2 ring-sky-400 ring-inset' : ''}`}
                      >
                        {cell.label}
                      </td>
                    );
                  })}
                  <td className="px-2 py-1 text-right whitespace-nowrap text-slate-300 tabular-nums" data-testid="verdict-since" title={r.worstSince ?? undefined}>
                    {r.worstSince && r.worstVerdict && r.worstVerdict !== 'healthy' ? `${r.worstVerdict} for ${formatAge(Date.parse(fleet.data?.asOf ?? r.worstSince) - Date.parse(r.worstSince))}` : ''}
                  </td>
                  <td className="px-2 py-1 text-right tabular-nums" data-testid="warnings-15m">
                    {r.warnings15m}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Legend show="both" />
      </section>
      {view.node ? (
        <NodeCellPane
          node={view.node}
          check={view.check || null}
          row={all.find((r) => r.name === view.node) ?? null}
          at={at}
          onClose={() => update({ node: null, check: null })}
        />
      ) : null}
    </div>
  );
}

function SortHeader(props: { label: string; title?: string; active: boolean; dir: 'asc' | 'desc'; onClick: () => void }) {
  return (
    <th className="px-2 py-1 font-medium" title={props.title} aria-sort={props.active ? (props.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" onClick={props.onClick} className="hover:text-white">
        {props.label}
        {props.active ? (props.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}
