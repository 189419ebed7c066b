import { clip, type Parsed } from './issues';

/** One sample of Prometheus text exposition. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m) return text.slice(start).trim() === '' ? labels : undefined;
    labels[m[1]!] = unescapeLabel(m[2]!);
  }
  return labels;
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const n = Number(text);
  return text !== '' && !Number.isNaN(n) ? n : undefined;
}

/**
 * Reads the samples whose name starts with `prefix` (default `doublezero_`) from Prometheus text.
 * Comments (# HELP / # TYPE) and other metrics are skipped; malformed lines are reported.
 */
export function parseMetrics(text: string, prefix = 'doublezero_'): Parsed<MetricSample> {
  const result: Parsed<MetricSample> = { items: [], issues: [] };
  String(text)
    .split('\n')
    .forEach((rawLine, index) => {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) return;
      const m = SAMPLE.exec(line);
      const labels = m ? parseLabels(m[3] ?? '') : undefined;
      const value = m ? parseValue(m[4]!) : undefined;
      if (!m || !labels || value === undefined) {
        if (result.issues.length < 50) result.issues.push({ at: index + 1, message: `metrics: unreadable line: ${clip(line, 80)}` });
        return;
      }
      if (m[1]!.startsWith(prefix)) result.items.push({ name: m[1]!, labels, value });
    });
  return result;
}
