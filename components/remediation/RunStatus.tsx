'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { batchFinished, batchSchema, type BatchView, type RunView } from '@/lib/remediation/response-schemas';
import { fetchJson } from '@/components/ui/fetch-json';

const stateText: Record<RunView['state'], string> = {
  pending: 'waiting',
  running: 'running…',
  verified: 'verified',
  'not-verified': 'not verified',
  failed: 'failed',
  conflict: 'conflict: another remediation is running on this node',
  skipped: 'skipped',
  'outcome-unknown': 'outcome unknown',
  rejected: 'rejected',
};

const stateClass: Record<RunView['state'], string> = {
  pending: 'text-slate-300',
  running: 'text-sky-300',
  verified: 'text-emerald-300',
  'not-verified': 'text-amber-300',
  failed: 'text-red-300',
  conflict: 'text-red-300',
  skipped: 'text-slate-400',
  'outcome-unknown': 'text-amber-300',
  rejected: 'text-slate-400',
};

/** Follows one remediation until every node has its outcome (polls the run; output is shown escaped). */
export function RunStatus({ initial }: { initial: BatchView }) {
  const q = useQuery({
    queryKey: ['remediation', initial.batch.id],
    queryFn: () => fetchJson(`/api/actions/runs/${encodeURIComponent(initial.batch.id)}`, batchSchema),
    initialData: initial,
    refetchInterval: (query) => (query.state.data && batchFinished(query.state.data) ? false : 1000),
  });
  const b = q.data;
  // On a phone the run's live output starts below the fold: bring it into view once, when the run starts.
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }), []);
  return (
    <section ref={ref} aria-label="Remediation status" className="mt-4 rounded border border-slate-800 p-3">
      <p className="text-slate-300">
        {b.batch.action} by {b.batch.requested_by}
        {b.batch.state === 'awaiting-approval' ? <span className="ml-2 font-semibold text-amber-300">awaiting approval by a second person</span> : null}
        {b.batch.decided_by ? (
          <span className="ml-2 text-slate-400">
            ({b.batch.state === 'rejected' ? 'rejected' : 'approved'} by {b.batch.decided_by})
          </span>
        ) : null}
      </p>
      {b.runs.map((r) => (
        <div key={r.id} className="mt-2" data-testid={`run-${r.node}`}>
          <p>
            <span className="font-mono">{r.node}</span>:{' '}
            <strong role="status" className={stateClass[r.state]} data-state={r.state}>
              {stateText[r.state]}
            </strong>
            {r.summary ? <span className="ml-2 break-words text-slate-400">{r.summary}</span> : null}
          </p>
          {(r.results ?? []).map((res, i) => (
            <div key={i} className="mt-1">
              <p className="font-mono text-xs break-all text-slate-400">
                $ {res.command} → exit {res.exitCode ?? (res.timedOut ? 'timeout' : 'none')}
                {res.truncated ? ' (output cut)' : ''}
                {res.error ? ` (${res.error})` : ''}
              </p>
              {res.stdout || res.stderr ? (
                <pre className="max-h-48 overflow-auto rounded bg-slate-900 p-2 text-xs break-all whitespace-pre-wrap text-slate-200">
                  {res.stdout}
                  {res.stderr}
                </pre>
              ) : null}
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}
