import http from 'node:http';
import { sessionStates } from './packet';
import type { LivenessSession } from './session';

// Prometheus metrics like the daemon's `-metrics-enable -metrics-addr localhost:2113`, with the
// `doublezero_liveness_` names the design lists (tx errors by errno are the lab's own addition).
export class DaemonMetrics {
  txPackets = 0;
  rxPackets = 0;
  routeInstallFailures = 0;
  private readonly txErrors = new Map<string, number>();
  private readonly transitions = new Map<string, number>();

  countTxError(errno: string): void {
    this.txErrors.set(errno, (this.txErrors.get(errno) ?? 0) + 1);
  }

  countTransition(from: string, to: string): void {
    const key = `from="${from}",to="${to}"`;
    this.transitions.set(key, (this.transitions.get(key) ?? 0) + 1);
  }

  render(sessions: readonly LivenessSession[]): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'gauge' | 'counter', help: string, samples: readonly [string, number][]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    };
    metric('doublezero_liveness_sessions', 'gauge', 'Liveness sessions by state.',
      sessionStates.map((s) => [`state="${s}"`, sessions.filter((x) => x.state === s).length]));
    metric('doublezero_liveness_session_transitions_total', 'counter', 'Liveness session state transitions.', [...this.transitions]);
    metric('doublezero_liveness_control_packets_tx_total', 'counter', 'Liveness control packets sent.', [['', this.txPackets]]);
    metric('doublezero_liveness_control_packets_rx_total', 'counter', 'Liveness control packets received.', [['', this.rxPackets]]);
    metric('doublezero_liveness_control_packets_tx_errors_total', 'counter', 'Liveness control packet sends the kernel refused, by errno.',
      [...this.txErrors].map(([errno, n]) => [`errno="${errno}"`, n]));
    metric('doublezero_liveness_route_install_failures_total', 'counter', 'Routes the daemon failed to install.', [['', this.routeInstallFailures]]);
    return lines.join('\n') + '\n';
  }
}

export function serveMetrics(port: number, metrics: DaemonMetrics, sessions: () => readonly LivenessSession[]): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(metrics.render(sessions()));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // Loopback of the node's own network namespace only.
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
