// Prometheus text exposition format 0.0.4, rendered from plain data. Pure: the collection of the
// numbers lives in lib/metrics/store/collect.ts.

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  /** appended to the family name: '_bucket', '_sum', '_count' for histograms; '' otherwise */
  suffix?: '' | '_bucket' | '_sum' | '_count';
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of families) {
    // A bad name is a programming error here (names are constants), never data: refuse it loudly.
    if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name ${JSON.stringify(f.name)}`);
    if (seen.has(f.name)) throw new Error(`metric ${f.name} rendered twice`);
    seen.add(f.name);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) out.push(`${f.name}${s.suffix ?? ''}${renderLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function renderLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries
    .map(([name, value]) => {
      if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(name)}`);
      return `${name}="${escapeLabelValue(value)}"`;
    })
    .join(',')}}`;
}

/** Label values come from data (node names, error kinds, actions): backslash, quote and newline are escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * The samples of one histogram from cumulative bucket counts (upper bounds ascending, in the unit of
 * the metric); the `+Inf` bucket is the total count, as the format requires.
 */
export function histogramSamples(input: {
  buckets: ReadonlyArray<{ le: number; count: number }>;
  sum: number;
  count: number;
  labels?: Readonly<Record<string, string>>;
}): Sample[] {
  const labels = input.labels ?? {};
  const sorted = [...input.buckets].sort((a, b) => a.le - b.le);
  return [
    ...sorted.map((b) => ({ suffix: '_bucket' as const, labels: { ...labels, le: formatValue(b.le) }, value: b.count })),
    { suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: input.count },
    { suffix: '_sum', labels, value: input.sum },
    { suffix: '_count', labels, value: input.count },
  ];
}
