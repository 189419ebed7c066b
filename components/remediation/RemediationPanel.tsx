'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { catalogSchema, previewSchema, type BatchView, type CatalogEntry, type PreviewResponse } from '@/lib/remediation/response-schemas';
import { fetchJson } from '@/components/ui/fetch-json';
import { errorMessage } from '@/lib/errors';
import { parseBatch, postJson } from './api';
import { RunStatus } from './RunStatus';

export interface RemediationTarget {
  node: string;
  peer: string | null;
  verdict: string | null;
  alertUrl: string | null;
  /** the action to preselect (the answer's fitting action); the user can still choose another */
  action?: string | null;
}

function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

function defaultParams(action: CatalogEntry | undefined, target: RemediationTarget): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(action?.params.properties ?? {})) {
    if (key === 'ifname') out[key] = 'doublezero0';
    else if (key === 'prefix' && target.peer) out[key] = `${target.peer}/32`;
    else out[key] = '';
  }
  return out;
}

/**
 * Preview -> confirm with a reason -> run -> see the outcome. The server re-checks everything (role,
 * parameters, CSRF, one run per node, idempotency); this panel only makes the safe path the easy one.
 */
export function RemediationPanel({ target, canRun }: { target: RemediationTarget; canRun: boolean }) {
  const catalog = useQuery({ queryKey: ['action-catalog'], queryFn: () => fetchJson('/api/actions', catalogSchema), staleTime: Infinity });
  const actions = useMemo(() => catalog.data?.actions ?? [], [catalog.data]);
  const fitting = target.verdict ? actions.filter((a) => a.fitsVerdicts.includes(target.verdict!)) : actions;
  const [actionId, setActionId] = useState<string | null>(target.action ?? null);
  const action = actions.find((a) => a.id === actionId) ?? fitting[0] ?? actions[0];
  const [params, setParams] = useState<Record<string, string> | null>(null);
  const values = params ?? defaultParams(action, target);
  const [preview, setPreview] = useState<PreviewResponse | null>(null);
  const [key, setKey] = useState<string>('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [run, setRun] = useState<BatchView | null>(null);

  if (catalog.isPending) return <p className="text-slate-400">Loading actions…</p>;
  if (catalog.isError)
    return (
      <p role="alert" className="text-red-300">
        Could not load the action catalog: {catalog.error.message}
      </p>
    );
  if (!action) return <p className="text-slate-400">No actions in the catalog.</p>;

  const body = () => ({ action: action.id, nodes: [target.node], params: values, targetPeer: target.peer });

  async function doPreview() {
    setBusy(true);
    setError(null);
    setRun(null);
    try {
      const res = await postJson('/api/actions/preview', body());
      setPreview(previewSchema.parse(res.body));
      // A new key per confirmed intent: double clicks and retries of THIS confirmation run once.
      setKey(newIdempotencyKey());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function doRun() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await postJson('/api/actions/runs', { ...body(), reason, alertUrl: target.alertUrl, idempotencyKey: key });
      setRun(parseBatch(res.body));
      if (res.status === 409) setError('Another remediation is running on this node; nothing was run.');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const paramKeys = Object.keys(action.params.properties ?? {});
  return (
    <section aria-label="Remediation" className="max-w-3xl">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex max-w-full flex-col gap-1 text-slate-300">
          Action
          <select
            value={action.id}
            onChange={(e) => {
              setActionId(e.target.value);
              setParams(null);
              setPreview(null);
            }}
            className="max-w-full rounded bg-slate-900 px-2 py-1.5 text-slate-100 ring-1 ring-slate-700"
          >
            {actions.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title}
                {fitting.includes(a) && target.verdict ? ' (fits the verdict)' : ''}
              </option>
            ))}
          </select>
        </label>
        {paramKeys.map((k) => (
          <label key={k} className="flex flex-col gap-1 text-slate-300">
            {k}
            <input
              value={values[k] ?? ''}
              onChange={(e) => {
                setParams({ ...values, [k]: e.target.value });
                setPreview(null);
              }}
              maxLength={action.params.properties?.[k]?.maxLength}
              className="rounded bg-slate-900 px-2 py-1 font-mono text-slate-100 ring-1 ring-slate-700"
            />
          </label>
        ))}
        <button
          type="button"
          onClick={doPreview}
          disabled={busy}
          className="rounded bg-slate-700 px-4 py-1.5 text-white hover:bg-slate-600 disabled:opacity-50"
        >
          Preview
        </button>
      </div>
      <p className="mt-2 text-slate-400">{action.description}</p>
      {target.verdict ? (
        <p className="mt-1 text-slate-300" data-testid="remediation-for">
          For <span className="font-semibold">{target.verdict}</span> on <span className="font-mono">{target.node}</span>
          {target.peer ? (
            <>
              {' '}
              to <span className="font-mono">{target.peer}</span>
            </>
          ) : null}
          .
        </p>
      ) : null}

      {preview ? (
        <div className="mt-3 rounded border border-slate-800 p-3">
          <h2 className="font-semibold text-slate-200">Preview: {preview.action.title}</h2>
          {preview.nodes.map((n) => (
            <div key={n.node} className="mt-2">
              {n.refusal ? (
                <p role="alert" data-testid="preview-refusal" className="rounded bg-amber-950/60 px-2 py-1 text-amber-200 ring-1 ring-amber-800">
                  Not on <span className="font-mono">{n.node}</span>: {n.refusal}
                </p>
              ) : (
                <>
                  <p className="text-slate-300">
                    On <span className="font-mono">{n.node}</span>, exactly:
                  </p>
                  {n.chosenBecause ? (
                    <p data-testid="preview-mode" className="text-sky-200">
                      Read from the node: {n.chosenBecause}
                    </p>
                  ) : null}
                  <pre data-testid="preview-commands" className="rounded bg-slate-900 p-2 font-mono text-xs break-all whitespace-pre-wrap text-slate-100">
                    {n.commands.join('\n')}
                  </pre>
                </>
              )}
              <EvidenceNow evidence={n.evidence} error={n.evidenceError} />
            </div>
          ))}
          <p className="mt-2 text-slate-400">Verified when: {preview.action.check}.</p>
          {preview.action.needsApproval ? <p className="text-amber-300">Needs approval by a second person (approver role).</p> : null}
          {target.alertUrl ? (
            <p className="break-all text-slate-400">
              Alert:{' '}
              <a href={target.alertUrl} className="text-sky-300 hover:underline" rel="noreferrer noopener" target="_blank">
                {target.alertUrl}
              </a>
            </p>
          ) : null}
          {canRun && preview.allowed && !preview.nodes.some((n) => n.refusal) ? (
            <div className="mt-3 flex flex-col gap-2">
              <label className="flex flex-col gap-1 text-slate-300">
                Reason
                <textarea
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                  rows={2}
                  maxLength={500}
                  className="rounded bg-slate-900 px-2 py-1 text-slate-100 ring-1 ring-slate-700"
                />
              </label>
              <button
                type="button"
                onClick={doRun}
                disabled={busy || reason.trim().length < 3 || run !== null}
                className="self-start rounded bg-red-700 px-4 py-2 font-semibold text-white hover:bg-red-600 disabled:opacity-50"
              >
                {preview.action.needsApproval ? 'Request approval' : 'Confirm and run'}
              </button>
            </div>
          ) : preview.nodes.some((n) => n.refusal) ? (
            <p role="note" className="mt-3 text-slate-400">
              Nothing can be requested while the action is refused on a node.
            </p>
          ) : (
            <p role="note" className="mt-3 text-slate-400">
              Running this needs the {preview.action.requiredRole} role.
            </p>
          )}
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="mt-3 text-red-300">
          {error}
        </p>
      ) : null}
      {run ? <RunStatus key={run.batch.id} initial={run} /> : null}
    </section>
  );
}

/** The node's verdicts at preview time: a tally first (45 peers are a wall of text on a phone), the list folded. */
function EvidenceNow({ evidence, error }: { evidence: PreviewResponse['nodes'][number]['evidence']; error?: string }) {
  if (!evidence) return <p className="mt-1 text-slate-400">Evidence now: {error ?? 'not available'}</p>;
  const tally = new Map<string, number>();
  for (const v of evidence.verdicts) tally.set(v.verdict, (tally.get(v.verdict) ?? 0) + 1);
  return (
    <div className="mt-1 text-slate-400">
      <p>
        Evidence now{evidence.collectedAt ? ` (polled ${evidence.collectedAt})` : ''}:{' '}
        {evidence.verdicts.length ? [...tally].map(([verdict, n]) => `${verdict} ${n}`).join(', ') : 'no peers'}
      </p>
      {evidence.verdicts.length ? (
        <details>
          <summary className="cursor-pointer">by peer</summary>
          <p className="break-words">{evidence.verdicts.map((v) => `${v.peer}: ${v.verdict}`).join(', ')}</p>
        </details>
      ) : null}
    </div>
  );
}
