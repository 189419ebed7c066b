'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { batchListSchema, type BatchView } from '@/lib/remediation/response-schemas';
import { fetchJson } from '@/components/ui/fetch-json';
import { errorMessage } from '@/lib/errors';
import { postJson } from './api';

/** Recent remediations; approvers see Approve/Reject on requests of other people awaiting approval. */
export function RunList({ node, me, canApprove }: { node: string | null; me: string; canApprove: boolean }) {
  const qc = useQueryClient();
  const url = `/api/actions/runs?limit=30${node ? `&node=${encodeURIComponent(node)}` : ''}`;
  const q = useQuery({ queryKey: ['remediations', node], queryFn: () => fetchJson(url, batchListSchema), refetchInterval: 2000 });
  const [error, setError] = useState<string | null>(null);
  const [why, setWhy] = useState('');

  async function decide(b: BatchView, decision: 'approve' | 'reject') {
    setError(null);
    try {
      const res = await postJson(`/api/actions/runs/${encodeURIComponent(b.batch.id)}/decision`, { decision, why });
      if (res.status === 409) setError('Approved, but another remediation is running on that node.');
    } catch (e) {
      setError(errorMessage(e));
    }
    await qc.invalidateQueries({ queryKey: ['remediations'] });
  }

  if (q.isPending) return <p className="text-slate-400">Loading remediations…</p>;
  if (q.isError)
    return (
      <p role="alert" className="text-red-300">
        Could not load remediations: {q.error.message}
      </p>
    );
  return (
    <section aria-label="Recent remediations" className="mt-6">
      <h2 className="mb-2 font-semibold text-slate-200">Recent remediations</h2>
      {error ? (
        <p role="alert" className="text-red-300">
          {error}
        </p>
      ) : null}
      {q.data.batches.length === 0 ? <p className="text-slate-500">None yet{node ? ` on ${node}` : ''}.</p> : null}
      {q.data.batches.length ? (
        <>
          {canApprove ? (
            <label className="mb-2 flex items-center gap-2 text-slate-300">
              Reason for a rejection
              <input value={why} onChange={(e) => setWhy(e.target.value)} className="rounded bg-slate-900 px-2 py-1 text-slate-100 ring-1 ring-slate-700" />
            </label>
          ) : null}
          <div className="overflow-x-auto">
            <table className="w-full min-w-[36rem] text-left">
              <thead className="text-slate-400">
                <tr>
                  <th className="py-1">When</th>
                  <th>Action</th>
                  <th>Nodes</th>
                  <th>By</th>
                  <th>Reason</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {q.data.batches.map((b) => (
                  <tr key={b.batch.id} className="border-t border-slate-800" data-testid={`batch-${b.batch.id}`}>
                    <td className="py-1 font-mono text-xs">{b.batch.created_at}</td>
                    <td>{b.batch.action}</td>
                    <td className="font-mono">{b.runs.map((r) => `${r.node} (${r.state})`).join(', ')}</td>
                    <td>{b.batch.requested_by}</td>
                    <td>{b.batch.reason}</td>
                    <td>{b.batch.state}</td>
                    <td>
                      {canApprove && b.batch.state === 'awaiting-approval' && b.batch.requested_by !== me ? (
                        <span className="flex gap-2">
                          <button type="button" onClick={() => decide(b, 'approve')} className="rounded bg-emerald-700 px-2 text-white hover:bg-emerald-600">
                            Approve
                          </button>
                          <button type="button" onClick={() => decide(b, 'reject')} className="rounded bg-slate-700 px-2 text-white hover:bg-slate-600">
                            Reject
                          </button>
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
