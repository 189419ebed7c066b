import type { ReactNode } from 'react';

// Dense, readable table for node data. Every value is rendered as React text (escaped): node output is untrusted.
// Wide tables scroll inside their own box, never the page. `defaultOpen` makes the table foldable under its caption.
export function DataTable<T>(props: {
  caption: string;
  rows: readonly T[];
  columns: { header: string; cell: (row: T) => ReactNode; className?: string }[];
  rowKey: (row: T, index: number) => string;
  empty: string;
  testId?: string;
  defaultOpen?: boolean;
}) {
  const caption = (
    <>
      {props.caption} <span className="font-normal text-slate-500">({props.rows.length})</span>
    </>
  );
  const body =
    props.rows.length === 0 ? (
      <p className="text-xs text-slate-500">{props.empty}</p>
    ) : (
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-xs">
          <thead>
            <tr className="text-left text-slate-400">
              {props.columns.map((c) => (
                <th key={c.header} scope="col" className="px-2 py-1 font-medium whitespace-nowrap">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row, i) => (
              <tr key={props.rowKey(row, i)} className="border-t border-slate-800/80 hover:bg-slate-900">
                {props.columns.map((c) => (
                  <td key={c.header} className={`px-2 py-0.5 font-mono whitespace-nowrap ${c.className ?? ''}`}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  if (props.defaultOpen !== undefined) {
    return (
      <details className="mb-4" data-testid={props.testId} open={props.defaultOpen}>
        <summary className="mb-1 cursor-pointer text-sm font-semibold text-slate-200">{caption}</summary>
        {body}
      </details>
    );
  }
  return (
    <section className="mb-4" data-testid={props.testId}>
      <h3 className="mb-1 text-sm font-semibold text-slate-200">{caption}</h3>
      {body}
    </section>
  );
}
