import { describe, expect, it } from 'vitest';
import { NOT_FOUND_BODY, routesBody, statusBody, v2StatusBody, type ProvisionedService } from './api';
import { systemctlShow, versionOutput } from './cli';
import { goFloatG, instant } from './go-format';
import { metricsExposition } from './metrics';
import { compareVersions, daemonBehaviour, parseClientVersion, versionRange, type ClientVersion } from './version';

function ver(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(text);
  return v;
}

describe('client versions', () => {
  it('parses the forms nodes print and compares numerically', () => {
    expect(parseClientVersion('version: 0.8.3')).toEqual({ major: 0, minor: 8, patch: 3 });
    expect(parseClientVersion('client/v0.8.10')).toEqual({ major: 0, minor: 8, patch: 10 });
    expect(parseClientVersion('0.8.1-dev')).toEqual({ major: 0, minor: 8, patch: 1 });
    expect(parseClientVersion('0.8.1~git20251120.abc')).toEqual({ major: 0, minor: 8, patch: 1 });
    expect(parseClientVersion('dev')).toBeNull();
    expect(compareVersions(ver('0.8.10'), ver('0.8.9'))).toBeGreaterThan(0);
    expect(compareVersions(ver('0.7.0'), ver('0.7.1'))).toBeLessThan(0);
  });

  it('ranges: ≤ v0.7.0, v0.7.1 … v0.8.0, ≥ v0.8.1; passive default from v0.8.3', () => {
    expect(versionRange(ver('0.7.0'))).toBe('pre-0.7.1');
    expect(versionRange(ver('0.7.1'))).toBe('0.7.1-0.8.0');
    expect(versionRange(ver('0.8.0'))).toBe('0.7.1-0.8.0');
    expect(versionRange(ver('0.8.1'))).toBe('0.8.1+');
    expect(daemonBehaviour(ver('0.8.2')).livenessOnByDefault).toBe(false);
    expect(daemonBehaviour(ver('0.8.3')).livenessOnByDefault).toBe(true);
    expect(daemonBehaviour(ver('0.8.0')).withdrawsSessionsOnDisconnect).toBe(false);
    expect(daemonBehaviour(ver('0.8.1')).withdrawsSessionsOnDisconnect).toBe(true);
  });
});

describe('metrics exposition (internal/liveness/metrics.go, cmd/doublezerod/main.go)', () => {
  it('upstream names, help texts and labels, in client_golang text order', () => {
    const text = metricsExposition({
      build: { version: '0.8.0', commit: 'a1b2c3d', date: '2025-11-20T16:12:03Z' },
      sessions: [
        { iface: 'doublezero0', localIp: '209.245.225.161', state: 'down', count: 44 },
        { iface: 'doublezero0', localIp: '64.130.50.10', state: 'up', count: 12 },
      ],
      writeSocketErrors: [{ iface: 'doublezero0', localIp: '209.245.225.161', count: 1_234_567 }],
    });
    expect(text).toBe(
      [
        '# HELP doublezero_build_info Build information of the client',
        '# TYPE doublezero_build_info gauge',
        'doublezero_build_info{commit="a1b2c3d",date="2025-11-20T16:12:03Z",version="0.8.0"} 1',
        '# HELP doublezero_liveness_sessions Current number of sessions by FSM state',
        '# TYPE doublezero_liveness_sessions gauge',
        'doublezero_liveness_sessions{iface="doublezero0",local_ip="209.245.225.161",state="down"} 44',
        'doublezero_liveness_sessions{iface="doublezero0",local_ip="64.130.50.10",state="down"} 0',
        'doublezero_liveness_sessions{iface="doublezero0",local_ip="64.130.50.10",state="up"} 12',
        '# HELP doublezero_liveness_write_socket_errors_total Count of write socket errors.',
        '# TYPE doublezero_liveness_write_socket_errors_total counter',
        'doublezero_liveness_write_socket_errors_total{iface="doublezero0",local_ip="209.245.225.161"} 1.234567e+06',
        '',
      ].join('\n'),
    );
  });

  it('values as strconv %g: exponent from 1e6', () => {
    expect(goFloatG(720)).toBe('720');
    expect(goFloatG(999_999)).toBe('999999');
    expect(goFloatG(1_000_000)).toBe('1e+06');
    expect(goFloatG(0.5)).toBe('0.5');
    expect(goFloatG(1.764531e9)).toBe('1.764531e+09');
  });
});

describe('doublezerod -version and systemctl show', () => {
  it('-version prints build, version, date (main.go versionFlag)', () => {
    expect(versionOutput({ version: '0.8.3', commit: 'a1b2c3d', date: '2025-11-20T16:12:03Z' })).toBe(
      'build: a1b2c3d\nversion: 0.8.3\ndate: 2025-11-20T16:12:03Z\n',
    );
  });

  it('systemctl show -p … in the bus order with TZ=UTC timestamps', () => {
    const start = Date.UTC(2025, 10, 30, 19, 0, 0);
    expect(
      systemctlShow({
        mainPid: 1027617,
        activeEnterMs: start,
        execMainStartMs: start,
        execPid: 1027617,
        argv: ['/usr/bin/doublezerod', '-sock-file', '/run/doublezerod/doublezerod.sock', '-env', 'mainnet-beta'],
      }),
    ).toBe(
      [
        'MainPID=1027617',
        'ExecMainStartTimestamp=Sun 2025-11-30 19:00:00 UTC',
        'ExecStart={ path=/usr/bin/doublezerod ; argv[]=/usr/bin/doublezerod -sock-file /run/doublezerod/doublezerod.sock -env mainnet-beta ; ignore_errors=no ; start_time=[Sun 2025-11-30 19:00:00 UTC] ; stop_time=[n/a] ; pid=1027617 ; code=(null) ; status=0/0 }',
        'ActiveEnterTimestamp=Sun 2025-11-30 19:00:00 UTC',
        '',
      ].join('\n'),
    );
  });
});

describe('daemon HTTP API (internal/api/routes.go, internal/manager/http.go)', () => {
  const svc: ProvisionedService = {
    userType: 'IBRLWithAllocatedIP',
    tunnelName: 'doublezero0',
    tunnelSrc: '64.130.50.10',
    tunnelDst: '64.130.1.1',
    doubleZeroIp: '209.245.225.170',
    overlayPeer: '169.254.0.6',
    bgpStatus: 'BGP Session Up',
    lastSessionUpdate: 1764529200,
  };
  const at = instant(Date.UTC(2025, 10, 30, 19, 0, 5));
  const sessions = [
    {
      iface: 'doublezero0',
      localIp: '209.245.225.170',
      peerIp: '216.238.110.55',
      nextHop: '169.254.0.6',
      state: 'up' as const,
      downReason: 'none' as const,
      lastUpdated: at,
      expectedKernelState: 'present' as const,
      peerMode: 'passive' as const,
      peerClientVersion: '0.8.3',
    },
    // the seed's stale session: source is the old allocated IP
    {
      iface: 'doublezero0',
      localIp: '209.245.225.161',
      peerIp: '216.238.110.56',
      nextHop: '169.254.0.6',
      state: 'down' as const,
      downReason: 'timeout' as const,
      lastUpdated: at,
    },
  ];
  const kernelRoutes = [{ peerIp: '216.238.110.55', src: '209.245.225.170', nextHop: '169.254.0.6' }];

  it('/routes lists only the current DZ IP: the stale session never appears (v0.8.1+)', () => {
    const body = routesBody(ver('0.8.3'), { network: 'mainnet-beta', services: [svc], kernelRoutes, sessions });
    expect(body).toBe(
      '[{"network":"mainnet-beta","local_ip":"209.245.225.170","peer_ip":"216.238.110.55","kernel_state":"present","liveness_last_updated":"2025-11-30T19:00:05Z","liveness_state":"up","liveness_expected_kernel_state":"present","liveness_peer_mode":"passive","peer_client_version":"0.8.3"}]\n',
    );
  });

  it('/routes mirrors upstream routes_test.go: [] without services; kernel-only routes carry no liveness fields', () => {
    // TestServeRoutesHandler_NoLiveness_EmptyRoutes
    expect(routesBody(ver('0.8.3'), { network: 'localnet', services: [], kernelRoutes: [], sessions: null })).toBe('[]\n');
    // TestServeRoutesHandler_NoLiveness_KernelRoutesOnly-style: present, LivenessState and reason empty (omitted)
    expect(routesBody(ver('0.8.3'), { network: 'localnet', services: [svc], kernelRoutes, sessions: null })).toBe(
      '[{"network":"localnet","local_ip":"209.245.225.170","peer_ip":"216.238.110.55","kernel_state":"present"}]\n',
    );
  });

  it('/routes on v0.8.0 matches the tunnel source, so an -a node lists nothing; absent before v0.8.0', () => {
    expect(routesBody(ver('0.8.0'), { network: 'mainnet-beta', services: [svc], kernelRoutes, sessions })).toBe('[]\n');
    const noA = { ...svc, userType: 'IBRL' as const, doubleZeroIp: svc.tunnelSrc };
    const body = routesBody(ver('0.8.0'), {
      network: 'mainnet-beta',
      services: [noA],
      kernelRoutes: [{ peerIp: '216.238.110.55', src: '64.130.50.10', nextHop: '169.254.0.6' }],
      sessions: [{ ...sessions[1], localIp: '64.130.50.10' } as (typeof sessions)[number]],
    });
    expect(body).toContain(
      '"user_type":"IBRL","local_ip":"64.130.50.10","peer_ip":"216.238.110.56","kernel_state":"absent","liveness_last_updated":"2025-11-30T19:00:05Z","liveness_state":"down","liveness_state_reason":"timeout"',
    );
    expect(routesBody(ver('0.7.1'), { network: 'mainnet-beta', services: [svc], kernelRoutes, sessions })).toBe(NOT_FOUND_BODY);
  });

  it('/status: an array of StatusResponse, unicast first; [] when nothing is provisioned', () => {
    const mc: ProvisionedService = { ...svc, userType: 'Multicast', tunnelName: 'doublezero1', doubleZeroIp: '64.130.50.10', overlayPeer: '169.254.0.8' };
    expect(statusBody([mc, svc])).toBe(
      '[{"tunnel_name":"doublezero0","tunnel_src":"64.130.50.10","tunnel_dst":"64.130.1.1","doublezero_ip":"209.245.225.170","doublezero_status":{"session_status":"BGP Session Up","last_session_update":1764529200},"user_type":"IBRLWithAllocatedIP"},' +
        '{"tunnel_name":"doublezero1","tunnel_src":"64.130.50.10","tunnel_dst":"64.130.1.1","doublezero_ip":"64.130.50.10","doublezero_status":{"session_status":"BGP Session Up","last_session_update":1764529200},"user_type":"Multicast"}]\n',
    );
    expect(statusBody([])).toBe('[]\n');
  });

  it('/v2/status: V2StatusResponse with the embedded StatusResponse; 404 before v0.10.0', () => {
    const mc: ProvisionedService = { ...svc, userType: 'Multicast', tunnelName: 'doublezero1', doubleZeroIp: '64.130.50.10', overlayPeer: '169.254.0.8' };
    const body = v2StatusBody(ver('0.10.0'), { reconcilerEnabled: true, clientIp: '64.130.50.10', network: 'mainnet-beta', services: [svc, mc] });
    const parsed = JSON.parse(body) as { services: { tunnel_name: string; user_type: string; doublezero_status: { session_status: string } }[] };
    expect(Object.keys(parsed)).toEqual(['reconciler_enabled', 'client_ip', 'network', 'services']);
    expect(parsed.services.map((s) => [s.tunnel_name, s.user_type, s.doublezero_status.session_status])).toEqual([
      ['doublezero0', 'IBRLWithAllocatedIP', 'BGP Session Up'],
      ['doublezero1', 'Multicast', 'BGP Session Up'],
    ]);
    expect(body).toContain(
      '"tunnel_name":"doublezero0","tunnel_src":"64.130.50.10","tunnel_dst":"64.130.1.1","doublezero_ip":"209.245.225.170","doublezero_status":{"session_status":"BGP Session Up","last_session_update":1764529200},"user_type":"IBRLWithAllocatedIP","current_device":""',
    );
    expect(v2StatusBody(ver('0.8.3'), { reconcilerEnabled: false, clientIp: '', network: 'mainnet-beta', services: [] })).toBe(NOT_FOUND_BODY);
  });
});
