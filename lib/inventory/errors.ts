// An inventory problem a human can fix: it names the file, the line and the field.
export interface InventoryIssue {
  file: string;
  /** 1-based; 0 when the problem has no single line (e.g. an empty file) */
  line: number;
  /** e.g. `nodes[2].port`; empty for problems of the whole file */
  field: string;
  message: string;
}

export function formatIssue(issue: InventoryIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  return issue.field ? `${where}: ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`;
}

export class InventoryError extends Error {
  readonly issues: readonly InventoryIssue[];
  constructor(issues: readonly InventoryIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'InventoryError';
    this.issues = issues;
  }
}

/** `nodes[2].port` from a path like ['nodes', 2, 'port']. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
