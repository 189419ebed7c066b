import type { ReactNode } from 'react';

// A titled section that can be folded away: details below the answer start closed on a phone and open on
// a wide screen (the caller decides). Native <details>, so it works before JavaScript and with the keyboard.
export function Collapsible(props: { title: ReactNode; defaultOpen: boolean; children: ReactNode; testId?: string; className?: string }) {
  return (
    <details open={props.defaultOpen} data-testid={props.testId} className={`mb-3 rounded border border-slate-800 ${props.className ?? ''}`}>
      <summary className="cursor-pointer rounded px-2 py-1.5 text-sm font-semibold text-slate-200 hover:bg-slate-900">{props.title}</summary>
      <div className="min-w-0 px-2 pt-1 pb-2">{props.children}</div>
    </details>
  );
}
