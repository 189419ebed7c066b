// Parsers never throw on node output: they return what parsed plus the problems they met.
export interface ParseIssue {
  /** 1-based line (journal, metrics) or 0-based record index (JSON arrays), when it applies */
  at?: number;
  message: string;
}

export interface Parsed<T> {
  items: T[];
  issues: ParseIssue[];
}

/** Keeps issue text short and printable: node output is untrusted and may be huge. */
export function clip(text: string, max = 160): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}
