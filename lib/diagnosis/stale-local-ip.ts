import type { DiagnosisContext } from './diagnose';
import type { Sighting } from './sessions';
import type { NodeFinding, PeerVerdict } from './types';

type StaleFinding = Extract<NodeFinding, { kind: 'stale-local-ip' }>;

/** A metric's samples for one (iface, local_ip), summed; null when the daemon's metrics were not read or do not name it. */
function metricSum(ctx: DiagnosisContext, name: string, iface: string, localIP: string): number | null {
  const samples = ctx.state.metrics.filter(
    (m) => m.name === name && m.labels.local_ip === localIP && (m.labels.iface === undefined || m.labels.iface === iface),
  );
  return samples.length ? samples.reduce((n, m) => n + (Number.isFinite(m.value) ? m.value : 0), 0) : null;
}

/**
 * The seed bug as the node-level finding it is (DESIGN.md "Verdicts"): one local IP that is not assigned, and
 * every session of the current daemon from it failing. K is exact from `doublezero_liveness_sessions{local_ip}`
 * (internal/liveness/metrics.go) when the metrics were read, otherwise the peers the throttled log named: a lower bound.
 */
export function staleLocalIpFindings(sessionVerdicts: readonly PeerVerdict[], sessions: readonly Sighting[], ctx: DiagnosisContext): StaleFinding[] {
  const groups = new Map<string, PeerVerdict[]>();
  for (const v of sessionVerdicts) {
    if (v.verdict !== 'stale-session') continue;
    const id = `${v.interface}|${v.localIP}`;
    groups.set(id, [...(groups.get(id) ?? []), v]);
  }
  const findings: StaleFinding[] = [];
  for (const list of groups.values()) {
    const { interface: iface, localIP } = list[0]!;
    const peers = new Set(list.map((v) => v.peer));
    const sampled = sessions.filter((s) => s.current && s.interface === iface && s.localIP === localIP && s.failures.length > 0).length;
    const exactCount = localIP ? metricSum(ctx, 'doublezero_liveness_sessions', iface, localIP) : null;
    const writeErrors = localIP ? metricSum(ctx, 'doublezero_liveness_write_socket_errors_total', iface, localIP) : null;
    const exact = exactCount !== null;
    const k = exact ? exactCount : peers.size;
    const since =
      list
        .map((v) => v.since)
        .filter((t): t is string => t !== null)
        .sort()[0] ?? null;
    const who = localIP ? `local IP ${localIP}` : 'a local IP this daemon version does not log (client < v0.7.1)';
    const summary = `${who} is not assigned to ${iface}; ${exact ? '' : '≥ '}${k} session(s) failing`;
    const evidence = [
      localIP
        ? `${localIP} is on no interface of the node, yet the daemon that started ${ctx.daemon.startedAt ?? '(start unknown)'} still has sessions from it`
        : `sends fail with "network is unreachable" while ${iface} is up and routes the peers: their source is not assigned`,
      exact
        ? `doublezero_liveness_sessions{iface="${iface}",local_ip="${localIP}"} = ${k}: the exact number of sessions from it`
        : `${peers.size} distinct peer(s) seen with it since the daemon started (${sampled} named by send warnings); the daemon logs one warning per 5 s for all sessions, so the real number may be higher`,
      ...(writeErrors !== null ? [`doublezero_liveness_write_socket_errors_total = ${writeErrors} (every failed send, unthrottled)`] : []),
    ];
    findings.push({
      kind: 'stale-local-ip',
      verdict: 'stale-session',
      interface: iface,
      localIP: localIP || null,
      sessionsFailing: k,
      exact,
      peersSampled: sampled,
      writeErrors,
      since,
      summary,
      evidence,
    });
  }
  return findings;
}
