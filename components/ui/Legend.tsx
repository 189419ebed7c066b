import { checkStatuses } from '@/lib/fleet/check';
import { verdicts } from '@/lib/diagnosis/verdict-schema';
import { checkStatusClass, checkStatusMeaning, verdictClass, verdictMeaning } from './colors';

// Explains every colour the grids use; shown on every grid page.
export function Legend({ show }: { show: 'checks' | 'verdicts' | 'both' }) {
  return (
    <details className="mt-3 rounded border border-slate-800 bg-slate-950/60 p-2 text-xs" open>
      <summary className="cursor-pointer font-semibold text-slate-300">Legend</summary>
      <div className="mt-2 flex flex-wrap gap-x-6 gap-y-1">
        {show !== 'verdicts'
          ? checkStatuses.map((s) => (
              <span key={s} className="flex items-center gap-2">
                <span className={`inline-block min-w-14 rounded px-1 text-center ${checkStatusClass[s]}`}>{s}</span>
                <span className="text-slate-400">{checkStatusMeaning[s]}</span>
              </span>
            ))
          : null}
        {show !== 'checks'
          ? verdicts.map((v) => (
              <span key={v} className="flex items-center gap-2">
                <span className={`inline-block min-w-28 rounded px-1 text-center ${verdictClass[v]}`}>{v}</span>
                <span className="text-slate-400">{verdictMeaning[v]}</span>
              </span>
            ))
          : null}
      </div>
    </details>
  );
}
