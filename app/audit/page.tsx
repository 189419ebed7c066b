import { AuditDetails } from '@/components/remediation/AuditDetails';
import { auditTypes } from '@/lib/audit/entry';
import { page } from '@/lib/http/page';
import { auditPageRows } from '@/lib/audit/store/page';

export const dynamic = 'force-dynamic';

const input = 'w-full min-w-0 rounded bg-slate-900 px-2 py-1 text-slate-100 ring-1 ring-slate-700 sm:w-auto';

/** `/audit`: the append-only audit log with filters (in the URL) and CSV/JSON export of the same filter. */
export default page({ path: '/audit', permission: 'audit.view', forbidden: 'Your role cannot see the audit log.' }, async ({ searchParams }) => {
  const query = Object.fromEntries(Object.entries(searchParams).flatMap(([k, v]) => (typeof v === 'string' && v !== '' ? [[k, v]] : [])));
  const { rows } = await auditPageRows(query);
  const exportQuery = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'before' && k !== 'limit'));
  return (
    <div>
      <h1 className="mb-3 text-lg font-semibold text-slate-100">Audit log</h1>
      <form method="get" className="mb-3 grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap sm:gap-3" aria-label="Audit filters">
        <label className="flex flex-col gap-1 text-slate-300">
          Node
          <input name="node" defaultValue={query.node} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          Actor
          <input name="actor" defaultValue={query.actor} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          Type
          <select name="type" defaultValue={query.type ?? ''} className={input}>
            <option value="">any</option>
            {auditTypes.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          From (ISO)
          <input name="from" defaultValue={query.from} placeholder="2026-11-26T00:00:00Z" className={input} />
        </label>
        <label className="flex flex-col gap-1 text-slate-300">
          To (ISO)
          <input name="to" defaultValue={query.to} className={input} />
        </label>
        <button type="submit" className="rounded bg-slate-700 px-3 py-1 text-white hover:bg-slate-600">
          Filter
        </button>
        <a href={`/api/audit/export?format=csv&${exportQuery.toString()}`} className="text-sky-300 hover:underline">
          Export CSV
        </a>
        <a href={`/api/audit/export?format=json&${exportQuery.toString()}`} className="text-sky-300 hover:underline">
          Export JSON
        </a>
      </form>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[40rem] text-left [&_td]:pr-3 [&_th]:pr-3" aria-label="Audit records">
          <thead className="text-slate-400">
            <tr>
              <th className="py-1">#</th>
              <th>When</th>
              <th>Who</th>
              <th>Type</th>
              <th>Node</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.seq} className="border-t border-slate-800 align-top" data-type={r.record?.entry.type}>
                <td className="py-1 font-mono text-xs" title={r.hash}>
                  {r.seq}
                </td>
                <td className="font-mono text-xs whitespace-nowrap">{r.record?.at}</td>
                <td>
                  {r.record?.actor.username} <span className="text-slate-500">({r.record?.actor.role})</span>
                </td>
                <td className="font-mono text-xs">{r.record?.entry.type ?? 'unreadable record'}</td>
                <td className="font-mono">{r.record?.node}</td>
                <td>{r.record ? <AuditDetails record={r.record} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > 0 && rows.length >= 100 ? (
        <a
          href={`/audit?${new URLSearchParams({ ...query, before: String(rows[rows.length - 1]!.seq) }).toString()}`}
          className="mt-2 inline-block text-sky-300 hover:underline"
        >
          Older records
        </a>
      ) : null}
    </div>
  );
});
