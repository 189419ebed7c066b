import { describe, expect, it } from 'vitest';
import { parseMetrics } from '../../lib/parse/metrics';
import { DaemonMetrics } from './metrics';
import { LivenessSession } from './session';

describe('daemon metrics', () => {
  it('renders Prometheus text the shared parser reads: sessions by state, counters, errors by errno', () => {
    const m = new DaemonMetrics();
    m.txPackets = 5;
    m.countTxError('ENETUNREACH');
    m.countTxError('ENETUNREACH');
    m.countTransition('Down', 'Init');
    const up = new LivenessSession({ interfaceName: 'doublezero0', localIp: '198.18.1.1', peerIp: '198.18.100.1' }, 1, 0);
    up.state = 'Up';
    const down = new LivenessSession({ interfaceName: 'doublezero0', localIp: '198.18.2.1', peerIp: '198.18.100.1' }, 2, 0);
    const parsed = parseMetrics(m.render([up, down]));
    expect(parsed.issues).toEqual([]);
    const value = (name: string, labels: Record<string, string> = {}) =>
      parsed.items.find((i) => i.name === name && Object.entries(labels).every(([k, v]) => i.labels[k] === v))?.value;
    expect(value('doublezero_liveness_sessions', { state: 'Up' })).toBe(1);
    expect(value('doublezero_liveness_sessions', { state: 'Down' })).toBe(1);
    expect(value('doublezero_liveness_sessions', { state: 'Init' })).toBe(0);
    expect(value('doublezero_liveness_control_packets_tx_total')).toBe(5);
    expect(value('doublezero_liveness_control_packets_tx_errors_total', { errno: 'ENETUNREACH' })).toBe(2);
    expect(value('doublezero_liveness_session_transitions_total', { from: 'Down', to: 'Init' })).toBe(1);
  });
});
