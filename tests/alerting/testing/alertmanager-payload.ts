// Webhook notifications shaped exactly as Alertmanager 0.25 sends them (notify/webhook/webhook.go Message,
// template/template.go Data and Alert): every map present (never null), endsAt always set, 16-hex fingerprints.

export interface TestAlert {
  fingerprint: string;
  status?: 'firing' | 'resolved';
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

export function fingerprintOf(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function notification(alerts: readonly TestAlert[], extra: { truncatedAlerts?: number; receiver?: string } = {}) {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved';
  return {
    receiver: extra.receiver ?? 'fleet-network-health',
    status,
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: 'FnhPeerFailing', severity: 'warning', ...a.labels },
      annotations: a.annotations ?? { summary: 'liveness to a peer fails' },
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? ((a.status ?? 'firing') === 'firing' ? '0001-01-01T00:00:00Z' : new Date().toISOString()),
      generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=fnh_peer_verdict',
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: 'FnhPeerFailing' },
    commonLabels: { alertname: 'FnhPeerFailing' },
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    version: '4',
    groupKey: '{}:{alertname="FnhPeerFailing"}',
    truncatedAlerts: extra.truncatedAlerts ?? 0,
  };
}
