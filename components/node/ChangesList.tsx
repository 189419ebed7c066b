import type { StateChangeRow } from '@/lib/node/node';

// "What changed": the node's state changes in the 15 minutes before the view's moment, newest first.
export function ChangesList({ changes }: { changes: readonly StateChangeRow[] }) {
  return (
    <section className="mb-3" data-testid="changes">
      <h3 className="mb-1 text-sm font-semibold text-slate-200">What changed (15 min before)</h3>
      {changes.length === 0 ? (
        <p className="text-xs text-slate-500">No recorded state change in the 15 minutes before this moment.</p>
      ) : (
        <ul className="space-y-0.5 text-xs">
          {changes.map((c, i) => (
            <li key={i} className="font-mono">
              <time dateTime={c.at} className="text-slate-500">
                {c.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}
              </time>{' '}
              <span className={c.kind.endsWith('removed') || c.kind.endsWith('down') ? 'text-orange-300' : 'text-sky-300'}>{c.kind}</span> {c.subject}
              {c.before || c.after ? (
                <span className="text-slate-400">
                  {' '}
                  ({c.before ?? '—'} → {c.after ?? '—'})
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
