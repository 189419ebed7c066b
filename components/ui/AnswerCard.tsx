import Link from 'next/link';
import type { ReactNode } from 'react';
import { remediationQuery, type Answer } from '@/lib/node/node-answer';
import { verdictClass, verdictMeaning } from './colors';
import { durationBefore, utcText } from './time';

// The answer, first on the node, cell and triage pages: what is wrong, since when, why (one or two
// evidence lines) and what to do. Compact enough for the first 390 × 664 phone screen; every line is text.
export function AnswerCard(props: {
  answer: Answer;
  node: string;
  /** the moment the view shows (pinned time or latest collection), to say how long the verdict has held */
  asOf: string | null;
  alertUrl?: string | null;
  /** what the answer is about, when the page does not already say it (e.g. "dfw-mn-bm1 → 10.0.0.9") */
  subject?: ReactNode;
}) {
  const { answer: a } = props;
  const held = durationBefore(a.since, props.asOf);
  return (
    <section
      aria-label="What is wrong and what to do"
      data-testid="answer"
      data-verdict={a.verdict ?? 'none'}
      className="mb-3 rounded border border-slate-700 bg-slate-900/70 p-3 text-sm"
    >
      {props.subject ? <p className="mb-1 font-mono text-xs break-all text-slate-400">{props.subject}</p> : null}
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        {a.verdict ? (
          <span data-testid="answer-verdict" className={`rounded px-2 py-0.5 font-semibold ${verdictClass[a.verdict]}`} title={verdictMeaning[a.verdict]}>
            {a.verdict}
          </span>
        ) : null}
        <p className="min-w-0 font-medium break-words text-slate-50" data-testid="answer-headline">
          {a.headline}
        </p>
      </div>
      {a.since ? (
        <p className="mt-1 text-xs text-slate-300" data-testid="answer-since">
          since{' '}
          <time dateTime={a.since} className="font-mono">
            {utcText(a.since)} UTC
          </time>
          {held ? <span className="text-slate-400"> ({held})</span> : null}
        </p>
      ) : null}
      {a.evidence.length ? (
        <ul className="mt-2 list-disc space-y-0.5 pl-5 text-xs text-slate-200" data-testid="answer-evidence">
          {a.evidence.map((line, i) => (
            // two lines each on a phone; the full text is in the title and in the evidence below
            <li key={i} title={line}>
              <span className="block break-words max-sm:line-clamp-2">{line}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {a.action || a.advice || a.durableFix ? (
        <div className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
          {a.action ? (
            <Link
              href={`/remediation?${remediationQuery(props.node, a.action, props.alertUrl)}`}
              data-testid="answer-action"
              data-action={a.action.id}
              className="inline-block rounded bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-600 max-sm:py-2"
            >
              {a.action.title}…
            </Link>
          ) : null}
          {a.action ? (
            <span className="text-slate-400">
              fits {a.action.verdict}
              {a.action.peer ? ` to ${a.action.peer}` : ''}: preview first
            </span>
          ) : null}
          {a.advice ? (
            <p className="text-slate-300" data-testid="answer-advice">
              {a.advice}
            </p>
          ) : null}
          {a.durableFix ? (
            <p className="basis-full text-amber-200" data-testid="answer-durable-fix">
              Lasting fix: {a.durableFix.text} (known issue {a.durableFix.issueId}, fixed in {a.durableFix.fixedIn}).
            </p>
          ) : null}
        </div>
      ) : null}
      {a.alsoFailing.length ? (
        <p className="mt-1 text-xs text-slate-400">
          Also:{' '}
          {a.alsoFailing.map((x, i) => (
            <span key={x.verdict}>
              {i ? ', ' : ''}
              {x.verdict} to {x.peers} {x.peers === 1 ? 'peer' : 'peers'}
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
