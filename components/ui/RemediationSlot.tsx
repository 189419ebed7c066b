import Link from 'next/link';

// Where the remediation that fits a verdict is offered. The remediation helper's panel needs a signed-in
// operator, so the slot links to its page (`/remediation`, which handles sign-in) with the cell's context.
export function RemediationSlot(props: { node: string; peer: string | null; verdict: string | null; alertUrl?: string | null }) {
  if (props.verdict === 'healthy' || props.verdict === 'unknown') return null;
  const qs = new URLSearchParams({ node: props.node });
  if (props.peer) qs.set('peer', props.peer);
  if (props.verdict) qs.set('verdict', props.verdict);
  if (props.alertUrl) qs.set('alert', props.alertUrl);
  return (
    <div data-slot="remediation" className="my-2">
      <Link href={`/remediation?${qs.toString()}`} className="inline-block rounded bg-sky-800 px-3 py-1 text-sky-50 hover:bg-sky-700">
        Remediate{props.verdict ? ` ${props.verdict}` : ''}…
      </Link>
    </div>
  );
}
