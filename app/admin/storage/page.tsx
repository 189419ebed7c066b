import { page } from '@/lib/http/page';
import { storagePageData } from '@/lib/storage/store/storage-page';

export const dynamic = 'force-dynamic';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `/admin/storage`: how big the store is, which tables carry dead rows, what is kept and from when (issue 17). */
export default page({ path: '/admin/storage', permission: 'user.manage', forbidden: "Only admins see the store's storage." }, async () => {
  const { kind, snapshot: s, retention } = await storagePageData();
  return (
    <main className="space-y-6 p-4 text-sm">
      <h1 className="text-lg font-semibold">Storage</h1>
      <p>
        {kind === 'pglite' ? 'Embedded PGlite store' : 'PostgreSQL'}: <strong>{mb(s.storeBytes)}</strong>
        {s.walBytes !== null ? <> plus {mb(s.walBytes)} of write-ahead log</> : null}. Oldest log event kept: {s.oldestEventAt?.toISOString() ?? 'none'}; oldest
        state kept: {s.oldestHistoryAt?.toISOString() ?? 'none'}.
      </p>
      <section>
        <h2 className="font-semibold">Tables</h2>
        <table className="mt-2">
          <thead>
            <tr className="text-left">
              <th className="pr-6">table</th>
              <th className="pr-6 text-right">size</th>
              <th className="pr-6 text-right">rows</th>
              <th className="pr-6 text-right">dead rows</th>
            </tr>
          </thead>
          <tbody>
            {s.tables.map((t) => (
              <tr key={t.table}>
                <td className="pr-6 font-mono">{t.table}</td>
                <td className="pr-6 text-right">{mb(t.bytes)}</td>
                <td className="pr-6 text-right">{t.rows.toLocaleString('en')}</td>
                <td className="pr-6 text-right">{t.rows + t.deadRows > 0 ? `${Math.round((100 * t.deadRows) / (t.rows + t.deadRows))} %` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2 className="font-semibold">Retention</h2>
        <table className="mt-2">
          <thead>
            <tr className="text-left">
              <th className="pr-6">kind</th>
              <th className="pr-6">kept for</th>
              <th className="pr-6">kept from</th>
              <th>what</th>
            </tr>
          </thead>
          <tbody>
            {retention.map((r) => (
              <tr key={r.kind}>
                <td className="pr-6 font-mono" title={r.setting}>
                  {r.kind}
                </td>
                <td className="pr-6">{r.keptFor}</td>
                <td className="pr-6">{r.keptFrom ?? 'everything'}</td>
                <td>{r.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-2">
          The audit log is never pruned: archive it with <code>npm run audit:archive</code>.
        </p>
      </section>
      <section>
        <h2 className="font-semibold">Maintenance</h2>
        <ul>
          {s.maintenance.length === 0 ? <li>not run yet (the first run is a minute after an agent starts)</li> : null}
          {s.maintenance.map((m) => (
            <li key={m.task}>
              {m.task}: last started {m.lastRunAt.toISOString()}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
});
