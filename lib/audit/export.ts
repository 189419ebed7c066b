import type { StoredAuditRow } from './chain';

// CSV for auditors' spreadsheets. Cells that a spreadsheet would run as a formula are prefixed with a
// quote (CSV injection), every cell is quoted, and the full hashed body is kept in the last column.
const header = ['seq', 'at', 'type', 'actor', 'node', 'hash', 'prev_hash', 'body'];

function cell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${defused.replace(/"/g, '""')}"`;
}

export function auditRowsToCsv(rows: readonly StoredAuditRow[]): string {
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push([String(r.seq), r.columns.at, r.columns.type, r.columns.actor, r.columns.node ?? '', r.hash, r.prevHash, r.body].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
