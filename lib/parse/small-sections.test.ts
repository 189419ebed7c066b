import { describe, expect, it } from 'vitest';
import { parseDaemonRoutes } from './daemon-routes';
import { parseMetrics } from './metrics';
import { parseSystemctlIsActive } from './systemctl';

describe('parseDaemonRoutes', () => {
  it('reads the /routes array with liveness fields, dropping entries without valid IPs', () => {
    const body = `${JSON.stringify([
      {
        network: 'mainnet-beta',
        local_ip: '209.245.225.161',
        peer_ip: '216.238.110.55',
        kernel_state: 'present',
        liveness_last_updated: '2025-11-30T19:30:00Z',
        liveness_state: 'Down',
        liveness_state_reason: 'timeout',
        liveness_expected_kernel_state: 'absent',
        liveness_peer_mode: 'passive',
        peer_client_version: '0.6.9',
      },
      { network: 'mainnet-beta', local_ip: '209.245.225.161', peer_ip: 'nope' },
      { local_ip: '10.0.0.1', peer_ip: '10.0.0.2', kernel_state: 'present', future_field: 1 },
    ])}\n`;
    const { items, issues } = parseDaemonRoutes(body);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      localIP: '209.245.225.161',
      peerIP: '216.238.110.55',
      livenessState: 'Down',
      livenessStateReason: 'timeout',
      livenessPeerMode: 'passive',
    });
    expect(items[1]?.raw.future_field).toBe(1);
    expect(issues).toHaveLength(1);
    expect(parseDaemonRoutes('null\n')).toEqual({ items: [], issues: [] });
    expect(parseDaemonRoutes('curl: (7) Failed to connect').issues).toHaveLength(1);
  });
});

describe('parseSystemctlIsActive', () => {
  it('reads the state word and maps anything else to unknown', () => {
    expect(parseSystemctlIsActive('active\n')).toBe('active');
    expect(parseSystemctlIsActive('failed\n')).toBe('failed');
    expect(parseSystemctlIsActive('')).toBe('unknown');
    expect(parseSystemctlIsActive('bash: systemctl: command not found')).toBe('unknown');
  });
});

describe('parseMetrics', () => {
  it('reads doublezero_* samples with labels and skips other metrics and comments', () => {
    const text = [
      '# HELP doublezero_liveness_sessions Number of liveness sessions by state.',
      '# TYPE doublezero_liveness_sessions gauge',
      'doublezero_liveness_sessions{iface="doublezero0",local_ip="209.245.225.161",state="up"} 3',
      'doublezero_liveness_sessions{iface="doublezero0",local_ip="209.245.225.161",state="down"} 1',
      'doublezero_liveness_control_packets_tx_total 1.234e+06',
      'go_goroutines 42',
      'doublezero_weird{a="b\\"c"} NaN',
      'doublezero_broken{a=} 1',
      'not a metric line at all',
    ].join('\n');
    const { items, issues } = parseMetrics(text);
    expect(items.map((s) => [s.name, s.labels.state ?? null, s.value])).toEqual([
      ['doublezero_liveness_sessions', 'up', 3],
      ['doublezero_liveness_sessions', 'down', 1],
      ['doublezero_liveness_control_packets_tx_total', null, 1234000],
      ['doublezero_weird', null, NaN],
    ]);
    expect(items[3]?.labels).toEqual({ a: 'b"c' });
    expect(issues.map((i) => i.at)).toEqual([8, 9]);
  });
});
