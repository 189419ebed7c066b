import type { AuditRecord } from '@/lib/audit/entry';

/** One audit record's payload as readable lines (server-rendered; all text escaped by React). */
export function AuditDetails({ record }: { record: AuditRecord }) {
  const e = record.entry;
  switch (e.type) {
    case 'remediation.requested':
    case 'remediation.intent':
      return (
        <div>
          <p>
            {e.action} {Object.keys(e.params).length ? JSON.stringify(e.params) : ''} — why: {e.reason}
            {e.alertUrl ? (
              <>
                {' '}
                — alert:{' '}
                <a className="text-sky-300 hover:underline" href={e.alertUrl} rel="noreferrer noopener">
                  {e.alertUrl}
                </a>
              </>
            ) : null}
          </p>
          <pre className="font-mono text-xs break-all whitespace-pre-wrap text-slate-300">{e.commands.join('\n')}</pre>
          {e.type === 'remediation.intent' ? (
            <p className="text-slate-400">before: {e.evidenceBefore.verdicts.map((v) => `${v.peer} ${v.verdict}`).join(', ') || 'no peers'}</p>
          ) : null}
        </div>
      );
    case 'remediation.outcome':
      return (
        <div>
          <p className={e.verification.verified ? 'text-emerald-300' : 'text-amber-300'}>
            {e.verification.verified ? 'verified' : 'not verified'}: {e.verification.summary}
          </p>
          {e.results.map((r, i) => (
            <p key={i} className="font-mono text-xs text-slate-300">
              $ {r.command} → exit {r.exitCode ?? 'none'}
              {r.timedOut ? ' (timeout)' : ''}
              {r.truncated ? ' (output cut)' : ''}
            </p>
          ))}
          <p className="text-slate-400">
            after: {e.evidenceAfter.verdicts.map((v) => `${v.peer} ${v.verdict}`).join(', ') || e.evidenceAfter.note || 'no peers'}
          </p>
        </div>
      );
    case 'remediation.approved':
      return (
        <p>
          approved {e.action}, requested by {e.requestedBy}
        </p>
      );
    case 'remediation.rejected':
      return (
        <p>
          rejected {e.action}, requested by {e.requestedBy}: {e.why}
        </p>
      );
    case 'remediation.conflict':
      return (
        <p>
          refused {e.action}: another remediation was running{e.heldByRunId ? ` (${e.heldByRunId})` : ''}
        </p>
      );
    case 'remediation.skipped':
    case 'remediation.outcome-unknown':
    case 'remediation.refused':
      return (
        <p>
          {e.action}: {e.why}
        </p>
      );
    case 'user.created':
      return (
        <p>
          created {e.username} as {e.role} (via {e.via})
        </p>
      );
    case 'user.signed-in':
      return (
        <p>
          {e.username} signed in ({e.method}){e.source ? ` from ${e.source}` : ''}
        </p>
      );
    case 'user.sign-in-failed':
      return (
        <p>
          failed sign-in as {e.username}: {e.why}
          {e.source ? ` (from ${e.source})` : ''}
        </p>
      );
    case 'user.sign-in-failed-unknown':
      return (
        <p>
          {e.failures} failed sign-in(s) under usernames that do not exist, from {e.source}, {e.windowStart} to {e.windowEnd}
        </p>
      );
    case 'user.sign-in-throttled':
      return (
        <p>
          sign-in limit reached ({e.scope}) from {e.source}
          {e.username ? ` for ${e.username}` : ''}; refused until {e.until}
        </p>
      );
    case 'user.disabled':
      return (
        <p>
          disabled {e.username} ({e.sessionsEnded} session(s) ended)
        </p>
      );
    case 'user.enabled':
      return <p>enabled {e.username}</p>;
    case 'user.role-changed':
      return (
        <p>
          changed {e.username} from {e.from} to {e.to} ({e.sessionsEnded} session(s) ended)
        </p>
      );
    case 'user.password-reset':
      return (
        <p>
          reset the password of {e.username} ({e.sessionsEnded} session(s) ended)
        </p>
      );
    case 'user.deleted':
      return (
        <p>
          deleted {e.username} ({e.role}; {e.sessionsEnded} session(s) ended)
        </p>
      );
  }
}
