import type { AddressRow, InterfaceRow, RouteRow } from '@/lib/node/node';
import { DataTable } from '@/components/ui/DataTable';

const dash = (v: string | number | null) => (v === null ? '—' : String(v));

export function InterfacesTable({ rows }: { rows: readonly InterfaceRow[] }) {
  return (
    <DataTable
      caption="Interfaces"
      testId="interfaces"
      rows={rows}
      rowKey={(r) => r.ifname}
      empty="No interfaces collected."
      columns={[
        { header: 'name', cell: (r) => r.ifname, className: 'text-sky-200' },
        { header: 'kind', cell: (r) => dash(r.kind) },
        { header: 'operstate', cell: (r) => dash(r.operstate) },
        { header: 'flags', cell: (r) => r.flags.join(','), className: 'text-slate-400' },
        { header: 'mtu', cell: (r) => dash(r.mtu) },
      ]}
    />
  );
}

export function AddressesTable({ rows }: { rows: readonly AddressRow[] }) {
  return (
    <DataTable
      caption="Addresses"
      testId="addresses"
      rows={rows}
      rowKey={(r, i) => `${r.ifname}-${r.cidr}-${i}`}
      empty="No addresses collected."
      columns={[
        { header: 'interface', cell: (r) => r.ifname, className: 'text-sky-200' },
        { header: 'family', cell: (r) => r.family },
        { header: 'address', cell: (r) => r.cidr },
        { header: 'scope', cell: (r) => dash(r.scope) },
      ]}
    />
  );
}

export function RoutesTable({ rows, defaultOpen }: { rows: readonly RouteRow[]; defaultOpen?: boolean }) {
  return (
    <DataTable
      caption="Routes (all tables)"
      testId="routes"
      defaultOpen={defaultOpen}
      rows={rows}
      rowKey={(r, i) => `${r.table}-${r.dst}-${i}`}
      empty="No routes collected."
      columns={[
        { header: 'table', cell: (r) => r.table },
        { header: 'type', cell: (r) => dash(r.type) },
        { header: 'destination', cell: (r) => r.dst, className: 'text-sky-200' },
        { header: 'via', cell: (r) => dash(r.gateway) },
        { header: 'dev', cell: (r) => dash(r.dev) },
        { header: 'proto', cell: (r) => dash(r.protocol) },
        { header: 'scope', cell: (r) => dash(r.scope) },
        { header: 'src', cell: (r) => dash(r.prefsrc) },
        { header: 'metric', cell: (r) => dash(r.metric) },
      ]}
    />
  );
}
