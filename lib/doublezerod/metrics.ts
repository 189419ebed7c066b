// The Prometheus text exposition of doublezerod's `/metrics` (promhttp.Handler on the default registry,
// cmd/doublezerod/main.go), for the families we model. Names, help texts and labels are upstream's
// (internal/liveness/metrics.go, main.go build_info); the format is client_golang's expfmt text 0.0.4:
// families sorted by name, label pairs sorted by name, series sorted by label values, values as Go's %g.
import { goFloatG } from './go-format';
import type { BfdState } from './records';

export interface BuildInfo {
  version: string;
  /** goreleaser's {{.ShortCommit}} */
  commit: string;
  /** goreleaser's {{.Date}} (RFC 3339) */
  date: string;
}

export interface ServiceSessionCount {
  iface: string;
  localIp: string;
  state: BfdState;
  count: number;
}

export interface WriteSocketErrors {
  iface: string;
  localIp: string;
  count: number;
}

export interface MetricsSnapshot {
  build: BuildInfo;
  /**
   * `doublezero_liveness_sessions` series. Upstream increments the new state and decrements the old one on each
   * transition (metrics.go sessionStateTransition), so a state a service has left stays as a 0 series; every
   * session is registered Down, so each (iface, local_ip) with sessions has a `down` series.
   */
  sessions: readonly ServiceSessionCount[];
  /** absent services never failed a send (the counter has no series until its first Inc) */
  writeSocketErrors: readonly WriteSocketErrors[];
  /** process_start_time_seconds: the process collector's, from /proc/PID/stat */
  processStartEpochSeconds?: number;
}

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  series: { labels: [string, string][]; value: number }[];
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function renderFamily(f: Family): string {
  if (f.series.length === 0) return '';
  const rows = f.series
    .map((s) => {
      const labels = [...s.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return { labels, key: labels.map(([, v]) => v).join('\u0000'), value: s.value };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ labels, value }) => {
      const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}` : '';
      return `${f.name}${text} ${goFloatG(value)}\n`;
    });
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n${rows.join('')}`;
}

/** The sessions gauge with the 0-valued `down` series every registered service keeps. */
function sessionSeries(sessions: readonly ServiceSessionCount[]): Family['series'] {
  const byKey = new Map<string, ServiceSessionCount>();
  for (const s of sessions) {
    const key = `${s.iface}|${s.localIp}|${s.state}`;
    const prev = byKey.get(key);
    byKey.set(key, { ...s, count: (prev?.count ?? 0) + s.count });
  }
  for (const s of sessions) {
    const down = `${s.iface}|${s.localIp}|down`;
    if (!byKey.has(down)) byKey.set(down, { iface: s.iface, localIp: s.localIp, state: 'down', count: 0 });
  }
  return [...byKey.values()].map((s) => ({
    labels: [
      ['iface', s.iface],
      ['local_ip', s.localIp],
      ['state', s.state],
    ],
    value: s.count,
  }));
}

export function metricsExposition(m: MetricsSnapshot): string {
  const families: Family[] = [
    {
      name: 'doublezero_build_info',
      help: 'Build information of the client',
      type: 'gauge',
      series: [
        {
          labels: [
            ['version', m.build.version],
            ['commit', m.build.commit],
            ['date', m.build.date],
          ],
          value: 1,
        },
      ],
    },
    {
      name: 'doublezero_liveness_sessions',
      help: 'Current number of sessions by FSM state',
      type: 'gauge',
      series: sessionSeries(m.sessions),
    },
    {
      name: 'doublezero_liveness_write_socket_errors_total',
      help: 'Count of write socket errors.',
      type: 'counter',
      series: m.writeSocketErrors
        .filter((e) => e.count > 0)
        .map((e) => ({
          labels: [
            ['iface', e.iface],
            ['local_ip', e.localIp],
          ],
          value: e.count,
        })),
    },
  ];
  if (m.processStartEpochSeconds !== undefined) {
    families.push({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since unix epoch in seconds.',
      type: 'gauge',
      series: [{ labels: [], value: m.processStartEpochSeconds }],
    });
  }
  families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return families.map(renderFamily).join('');
}
