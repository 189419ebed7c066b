import type { SimNodeState } from '../state';

// `nft -j list ruleset` as nftables 1.0.6 prints it: jansson's separators (", " and ": "),
// a metainfo object first, then tables, chains and rules. The base ruleset is Debian's default
// /etc/nftables.conf (table inet filter with accepting input/forward/output chains).

type NftValue = string | number | boolean | null | NftValue[] | { [k: string]: NftValue };

/** JSON with jansson's `", "` / `": "` separators, which nft uses. */
export function nftStringify(v: NftValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(nftStringify).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${nftStringify(x)}`)
    .join(', ')}}`;
}

const CHAINS = ['input', 'forward', 'output'] as const;

export function renderNftRuleset(state: SimNodeState): string {
  const items: NftValue[] = [{ metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } }];
  items.push({ table: { family: 'inet', name: 'filter', handle: 1 } });
  CHAINS.forEach((name, i) => {
    items.push({ chain: { family: 'inet', table: 'filter', name, handle: i + 1, type: 'filter', hook: name, prio: 0, policy: 'accept' } });
  });
  for (const r of state.nft?.rules ?? []) {
    items.push({
      rule: {
        family: 'inet',
        table: 'filter',
        chain: 'output',
        handle: r.handle,
        expr: [
          { match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: r.daddr } },
          { match: { op: '==', left: { payload: { protocol: 'udp', field: 'dport' } }, right: r.dport } },
          { [r.verdict]: null },
        ],
      },
    });
  }
  return nftStringify({ nftables: items }) + '\n';
}
