'use client';

import Link from 'next/link';
import { checkTitles, checkIds, type CheckId } from '@/lib/fleet/check';
import type { FleetRow } from '@/lib/fleet/fleet';
import { facetValues, filterFleet, fleetFilterKeys, parseFleetView, sortFleet, type FleetSort } from '@/lib/fleet/fleet-view';
import { formatAge } from '@/lib/node/poll-freshness';
import { Legend } from '@/components/ui/Legend';
import { PinnedBanner } from '@/components/ui/PinnedBanner';
import { checkStatusClass, verdictClass } from '@/components/ui/colors';
import { useGridKeyboard } from '@/components/ui/use-grid-keyboard';
import { useIsPhone } from '@/components/ui/use-phone';
import { useSearchState } from '@/components/ui/use-search-state';
import { FleetHeadline } from './FleetHeadline';
import { FleetToolbar } from './FleetToolbar';
import { NodeCellPane } from './NodeCellPane';
import { useFleet } from './use-fleet';

type Column = { kind: 'node' } | { kind: 'site' } | { kind: 'check'; id: CheckId } | { kind: 'since' } | { kind: 'warnings15m' };
const check = (id: CheckId): Column => ({ kind: 'check', id });
const wideColumns: Column[] = [{ kind: 'node' }, { kind: 'site' }, ...checkIds.map(check), { kind: 'since' }, { kind: 'warnings15m' }];
// On a phone what matters comes first (node, worst verdict, warning rate, since when); the other checks
// follow and scroll sideways inside the table, with the node column pinned.
const phoneColumns: Column[] = [
  { kind: 'node' },
  check('verdict'),
  check('warnings'),
  { kind: 'since' },
  check('poll'),
  check('daemon'),
  check('link'),
  check('addresses'),
  check('routes'),
  { kind: 'site' },
  { kind: 'warnings15m' },
];

// The NOC's main screen: the fleet headline, then node × check, live. Grid columns (keyboard) are the node
// and the checks, in the order shown.
export function FleetGrid() {
  const { params, update } = useSearchState();
  const view = parseFleetView(params);
  const at = params.at ?? null;
  const fleet = useFleet(at);
  const phone = useIsPhone();
  const all = fleet.data?.nodes ?? [];
  const asOf = fleet.data?.asOf ?? null;
  const rows = sortFleet(filterFleet(all, view, asOf), view.sort, view.dir);
  const facets = facetValues(all);
  const columns = phone ? phoneColumns : wideColumns;
  const gridColumns = columns.filter((c): c is Extract<Column, { kind: 'node' | 'check' }> => c.kind === 'node' || c.kind === 'check');

  const open = (row: FleetRow, id: CheckId) => update({ node: row.name, check: id });
  const kb = useGridKeyboard({
    rows: rows.length,
    cols: gridColumns.length,
    onActivate: ({ row, col }) => {
      const r = rows[row];
      const c = gridColumns[col];
      if (r && c?.kind === 'check') open(r, c.id);
      else if (r) update({ node: r.name, check: null });
    },
  });

  // A new column sorts worst-first; clicking the active column flips the direction.
  const sortBy = (key: FleetSort) => {
    const dir = view.sort === key ? (view.dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
    update({ sort: key === 'name' ? null : key, dir: dir === 'asc' ? null : dir });
  };

  // The headline's links: the grid with only that filter, keeping the moment and the sort.
  const hrefFor = (filter: Record<string, string>) => {
    const next = new URLSearchParams(
      Object.entries(params).filter(([k]) => !(fleetFilterKeys as readonly string[]).includes(k) && k !== 'node' && k !== 'check'),
    );
    for (const [k, v] of Object.entries(filter)) next.set(k, v);
    const qs = next.toString();
    return qs ? `/?${qs}` : '/';
  };

  const header = (c: Column) => {
    switch (c.kind) {
      case 'node':
        return <SortHeader key="node" label="node" sticky active={view.sort === 'name'} dir={view.dir} onClick={() => sortBy('name')} />;
      case 'site':
        return (
          <th key="site" className="px-2 py-1 font-medium">
            site
          </th>
        );
      case 'check':
        return <SortHeader key={c.id} label={checkTitles[c.id]} active={view.sort === c.id} dir={view.dir} onClick={() => sortBy(c.id)} />;
      case 'since':
        return (
          <SortHeader
            key="since"
            label="since"
            title="when the worst verdict began; sort: newest problem first"
            active={view.sort === 'since'}
            dir={view.dir}
            onClick={() => sortBy('since')}
          />
        );
      case 'warnings15m':
        return (
          <th
            key="w15"
            className="px-2 py-1 font-medium whitespace-nowrap"
            title="send warnings in the 15 minutes before the view's moment: a sample (doublezerod logs one per 5 s for the whole daemon)"
          >
            warnings 15m
          </th>
        );
    }
  };

  const cell = (r: FleetRow, ri: number, c: Column) => {
    const selectedRow = view.node === r.name;
    switch (c.kind) {
      case 'node':
        return (
          <td
            key="node"
            role="gridcell"
            data-row={ri}
            data-col={0}
            tabIndex={kb.pos.row === ri && kb.pos.col === 0 ? 0 : -1}
            className={`sticky left-0 z-10 px-2 py-1 font-mono whitespace-nowrap ${selectedRow ? 'bg-slate-800' : 'bg-[#0b0f14]'}`}
            onFocus={() => kb.setPos({ row: ri, col: 0 })}
          >
            <Link
              href={`/nodes/${encodeURIComponent(r.name)}${at ? `?at=${encodeURIComponent(at)}` : ''}`}
              className="text-sky-300 hover:underline"
              tabIndex={-1}
            >
              {r.name}
            </Link>
          </td>
        );
      case 'site':
        return (
          <td key="site" className="px-2 py-1 text-slate-400">
            {r.site ?? ''}
          </td>
        );
      case 'check': {
        const checkCell = r.checks[c.id];
        if (!checkCell) return <td key={c.id} />;
        const col = gridColumns.indexOf(c);
        const selected = selectedRow && view.check === c.id;
        return (
          <td
            key={c.id}
            role="gridcell"
            data-row={ri}
            data-col={col}
            data-check={c.id}
            data-status={checkCell.status}
            aria-selected={selected}
            tabIndex={kb.pos.row === ri && kb.pos.col === col ? 0 : -1}
            title={checkCell.detail ?? checkCell.label}
            onClick={() => {
              kb.setPos({ row: ri, col });
              open(r, c.id);
            }}
            onFocus={() => kb.setPos({ row: ri, col })}
            className={`cursor-pointer px-2 py-1 text-center whitespace-nowrap ${c.id === 'verdict' && r.worstVerdict && checkCell.status !== 'unknown' ? verdictClass[r.worstVerdict] : checkStatusClass[checkCell.status]} ${selected ? 'ring-2 ring-sky-400 ring-inset' : ''}`}
          >
            {checkCell.label}
          </td>
        );
      }
      case 'since': {
        const age =
          r.worstSince && r.worstVerdict && r.worstVerdict !== 'healthy' ? formatAge(Date.parse(asOf ?? r.worstSince) - Date.parse(r.worstSince)) : null;
        return (
          <td
            key="since"
            className="px-2 py-1 text-right whitespace-nowrap text-slate-300 tabular-nums"
            data-testid="verdict-since"
            title={r.worstSince ?? undefined}
          >
            {age ? (
              <>
                {/* the verdict is already the phone's second column */}
                <span className="max-sm:hidden">{r.worstVerdict} </span>for {age}
              </>
            ) : (
              ''
            )}
          </td>
        );
      }
      case 'warnings15m':
        return (
          <td key="w15" className="px-2 py-1 text-right tabular-nums" data-testid="warnings-15m">
            {r.warnings15m}
          </td>
        );
    }
  };

  return (
    <div className="flex gap-4">
      <section className="min-w-0 flex-1">
        <PinnedBanner at={at} onUnpin={() => update({ at: null })} />
        {fleet.data && all.length > 0 ? <FleetHeadline rows={all} asOf={fleet.data.asOf} hrefFor={hrefFor} /> : null}
        <FleetToolbar view={view} facets={facets} update={update} at={at} shown={rows.length} total={all.length} />
        {fleet.isPending ? (
          <p className="py-8 text-slate-400" role="status">
            Loading fleet…
          </p>
        ) : fleet.isError ? (
          <p className="py-8 text-red-300" role="alert">
            Could not load the fleet: {fleet.error.message}
          </p>
        ) : all.length === 0 ? (
          <p className="py-8 text-slate-400" role="status">
            No nodes in the inventory yet.
          </p>
        ) : rows.length === 0 ? (
          <p className="py-8 text-slate-400" role="status">
            No node matches these filters.
          </p>
        ) : (
          <div className="overflow-x-auto" data-testid="fleet-grid-scroll">
            <table role="grid" aria-label="Fleet grid: node by check" className="w-full border-collapse text-xs" onKeyDown={kb.onKeyDown}>
              <thead>
                <tr className="text-left text-slate-400">{columns.map(header)}</tr>
              </thead>
              <tbody>
                {rows.map((r, ri) => (
                  <tr key={r.name} data-node={r.name} className={`border-t border-slate-800 ${view.node === r.name ? 'bg-slate-800/60' : ''}`}>
                    {columns.map((c) => cell(r, ri, c))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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

function SortHeader(props: { label: string; title?: string; active: boolean; dir: 'asc' | 'desc'; sticky?: boolean; onClick: () => void }) {
  return (
    <th
      className={`px-2 py-1 font-medium whitespace-nowrap ${props.sticky ? 'sticky left-0 z-10 bg-[#0b0f14]' : ''}`}
      title={props.title}
      aria-sort={props.active ? (props.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" onClick={props.onClick} className="hover:text-white">
        {props.label}
        {props.active ? (props.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
}
