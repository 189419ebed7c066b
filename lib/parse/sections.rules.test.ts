import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDaemonRoutes } from './daemon-routes';
import { parseDaemonStatus } from './daemon-status';
import { parseDaemonVersion, versionFromBuildInfo } from './daemon-version';
import { parseIpAddr } from './ip-addr';
import { parseIpLink } from './ip-link';
import { clip } from './issues';
import { parseJsonRecords, parseJsonText } from './json-records';
import { parseMetrics, type MetricSample } from './metrics';
import { parseSystemctlIsActive } from './systemctl';
import { parseSystemctlShow } from './systemctl-show';

// The small sections of a bundle, field by field, as the commands print them.

describe('parseSystemctlShow', () => {
  it('reads the PID, the start times in UTC and the command line', () => {
    const text = [
      'MainPID=1027617',
      'ActiveEnterTimestamp=Sun 2025-11-30 19:00:00 UTC',
      'ExecMainStartTimestamp=2025-11-30 18:59:59.123456 GMT',
      'ExecStart={ path=/usr/bin/doublezerod ; argv[]=/usr/bin/doublezerod  -sock-file /run/x.sock -v ; ignore_errors=no ; start_time=[n/a] }',
      'Other=1',
      '=nokey',
      'no equals sign',
    ].join('\n');
    expect(parseSystemctlShow(text)).toEqual({
      value: {
        mainPid: 1027617,
        activeSince: '2025-11-30T19:00:00.000Z',
        mainStartedAt: '2025-11-30T18:59:59.000Z',
        argv: ['/usr/bin/doublezerod', '-sock-file', '/run/x.sock', '-v'],
      },
      issues: [],
    });
  });

  it.each<[string, string, Partial<ReturnType<typeof parseSystemctlShow>['value']>, string[]]>([
    ['a stopped unit', 'MainPID=0\nActiveEnterTimestamp=\nExecMainStartTimestamp=n/a', { mainPid: null, activeSince: null, mainStartedAt: null }, []],
    ['a PID that is not a number', 'MainPID=abc', { mainPid: null }, ['systemctl show: MainPID is not a number: abc']],
    ['a negative PID', 'MainPID=-1', { mainPid: null }, ['systemctl show: MainPID is not a number: -1']],
    [
      'a local time',
      'ActiveEnterTimestamp=Sun 2025-11-30 19:00:00 CET',
      { activeSince: null },
      ['systemctl show: ActiveEnterTimestamp is not a UTC timestamp: Sun 2025-11-30 19:00:00 CET'],
    ],
    [
      'an impossible date',
      'ExecMainStartTimestamp=Sun 2025-13-45 19:00:00 UTC',
      { mainStartedAt: null },
      ['systemctl show: ExecMainStartTimestamp is not a UTC timestamp: Sun 2025-13-45 19:00:00 UTC'],
    ],
    ['a time with Z', 'ActiveEnterTimestamp=2025-11-30 19:00:00 Z', { activeSince: '2025-11-30T19:00:00.000Z' }, []],
    ['an ExecStart without argv', 'ExecStart={ path=/x }', { argv: null }, []],
  ])('reads %s', (_name, text, value, messages) => {
    const r = parseSystemctlShow(text);
    expect(r.value).toMatchObject(value);
    expect(r.issues.map((i) => i.message)).toEqual(messages);
    if (messages.length) expect(r.issues[0]?.at).toBe(1);
  });

  it('numbers issue lines from 1', () => {
    expect(parseSystemctlShow('MainPID=1\nMainPID=x').issues[0]?.at).toBe(2);
  });
});

describe('parseSystemctlIsActive', () => {
  it.each([
    ['active\n', 'active'],
    ['  reloading  ', 'reloading'],
    ['activating\nextra', 'activating'],
    ['deactivating', 'deactivating'],
    ['inactive', 'inactive'],
    ['unknown', 'unknown'],
    ['Active', 'unknown'],
  ])('%j is %s', (text, state) => {
    expect(parseSystemctlIsActive(text)).toBe(state);
  });
});

describe('parseMetrics', () => {
  it.each<[string, { name: string; labels: Record<string, string>; value: number } | null]>([
    ['doublezero_x 1', { name: 'doublezero_x', labels: {}, value: 1 }],
    ['doublezero_x{} 2', { name: 'doublezero_x', labels: {}, value: 2 }],
    ['doublezero_x{a="1", b="two"} 3 1764531382000', { name: 'doublezero_x', labels: { a: '1', b: 'two' }, value: 3 }],
    ['doublezero_x{a="1",} 3', { name: 'doublezero_x', labels: { a: '1' }, value: 3 }],
    ['doublezero_x{a="line\\nbreak \\\\ back"} 4', { name: 'doublezero_x', labels: { a: 'line\nbreak \\ back' }, value: 4 }],
    ['doublezero_x +Inf', { name: 'doublezero_x', labels: {}, value: Infinity }],
    ['doublezero_x -Inf', { name: 'doublezero_x', labels: {}, value: -Infinity }],
    ['doublezero_x -1.5e-3', { name: 'doublezero_x', labels: {}, value: -0.0015 }],
    ['  doublezero_x 5  ', { name: 'doublezero_x', labels: {}, value: 5 }],
    ['doublezero_x{a="1" b="2"} 3', null],
    ['doublezero_x{a="1"} x', null],
    ['doublezero_x{a="1"} ', null],
    ['doublezero_x', null],
  ])('%j', (line, sample) => {
    const r = parseMetrics(line);
    if (sample) {
      expect(r).toEqual({ items: [sample], issues: [] });
    } else {
      expect(r.items).toEqual([]);
      expect(r.issues).toEqual([{ at: 1, message: `metrics: unreadable line: ${line.trim()}` }]);
    }
  });

  it('keeps the samples of the prefix asked for', () => {
    expect(parseMetrics('go_x 1\ndoublezero_y 2', 'go_').items.map((s) => s.name)).toEqual(['go_x']);
  });

  it('reports at most 50 unreadable lines', () => {
    expect(parseMetrics(Array.from({ length: 60 }, () => '{').join('\n')).issues).toHaveLength(50);
  });
});

describe('parseDaemonVersion and versionFromBuildInfo', () => {
  it.each([
    ['build: abc\nversion: 0.8.3\ndate: x', '0.8.3'],
    ['version: v0.8.3-rc1', '0.8.3-rc1'],
    ['version:0.9.0  ', '0.9.0'],
    ['doublezerod 0.8.3', null],
    ['version: has space', null],
    ['', null],
  ])('%j is %s', (text, version) => {
    expect(parseDaemonVersion(text)).toBe(version);
  });

  it('reads the version label of doublezero_build_info, without its v', () => {
    const s = (name: string, version?: string): MetricSample => ({ name, labels: version === undefined ? {} : { version }, value: 1 });
    expect(
      versionFromBuildInfo([s('doublezero_other', '1.0.0'), s('doublezero_build_info', ''), s('doublezero_build_info'), s('doublezero_build_info', 'v0.8.3')]),
    ).toBe('0.8.3');
    expect(versionFromBuildInfo([s('doublezero_build_info', '0.8.1')])).toBe('0.8.1');
    expect(versionFromBuildInfo([])).toBeNull();
  });
});

describe('parseDaemonRoutes', () => {
  it('keeps the fields the daemon wrote, dropping empty ones', () => {
    const { items } = parseDaemonRoutes(
      JSON.stringify([
        {
          local_ip: '10.0.0.1',
          peer_ip: '10.0.0.2',
          network: '',
          kernel_state: 'present',
          liveness_state: 'up',
          liveness_state_reason: '',
          liveness_expected_kernel_state: 'present',
          liveness_peer_mode: 'active',
          liveness_last_updated: 't',
          peer_client_version: '0.8.3',
        },
      ]),
    );
    expect(items[0]).toEqual({
      localIP: '10.0.0.1',
      peerIP: '10.0.0.2',
      kernelState: 'present',
      livenessState: 'up',
      livenessExpectedKernelState: 'present',
      livenessPeerMode: 'active',
      livenessLastUpdated: 't',
      peerClientVersion: '0.8.3',
      raw: expect.objectContaining({ network: '' }),
    });
    expect(parseDaemonRoutes('  null  ')).toEqual({ items: [], issues: [] });
  });
});

describe('parseIpLink and parseIpAddr', () => {
  it('reads a bare link: no flags, no operstate', () => {
    const [l] = parseIpLink(JSON.stringify([{ ifindex: 2, ifname: 'x' }])).items;
    expect(l).toEqual({ ifindex: 2, ifname: 'x', flags: [], up: false, lowerUp: false, operstate: 'UNKNOWN', raw: { ifindex: 2, ifname: 'x', flags: [] } });
  });

  it('reads address flags and drops records of the wrong family', () => {
    const text = JSON.stringify([
      {
        ifindex: 3,
        ifname: 'dz',
        addr_info: [
          { family: 'inet6', local: '2001:db8::1', prefixlen: 64, tentative: true, dadfailed: true },
          { family: 'inet6', local: '10.0.0.1', prefixlen: 8 },
          { family: 'link', local: '10.0.0.1', prefixlen: 8 },
          'x',
        ],
      },
      { ifindex: 4, ifname: 'lo' },
    ]);
    const { items, issues } = parseIpAddr(text);
    expect(items).toEqual([
      { ifname: 'dz', ifindex: 3, family: 'inet6', local: '2001:db8::1', prefixlen: 64, tentative: true, dadfailed: true, raw: expect.any(Object) },
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'ip addr: dz address 1 is not a valid address record',
      'ip addr: dz address 2 is not a valid address record',
      'ip addr: dz address 3 is not a valid address record',
    ]);
  });
});

describe('parseDaemonStatus', () => {
  it.each<[string, string, string]>([
    [
      'a daemon without /v2/status',
      '404 page not found\n',
      'daemon status: the daemon answered "404 page not found" (GET /v2/status exists from client v0.10.0; GET /status in every version)',
    ],
    ['an error without text', '{"status":"error","code":5}', 'daemon status: the daemon reported an error: {"status":"error","code":5}'],
    ['a number', '42', 'daemon status: expected a JSON object or array'],
    ['null', 'null', 'daemon status: expected a JSON object or array'],
    ['an object without services', '{"reconciler_enabled":true}', 'daemon status: not a /v2/status object (no services list)'],
    ['services that are not a list', '{"services":"x"}', 'daemon status: not a /v2/status object (no services list)'],
  ])('refuses %s', (_name, body, message) => {
    expect(parseDaemonStatus(body)).toEqual({ value: null, issues: [{ message }] });
  });

  it('reads a /v2/status with no services, keeping unknown top-level fields', () => {
    expect(parseDaemonStatus('{"services":null,"client_ip":"","network":"testnet","future":1}')).toEqual({
      value: { endpoint: '/v2/status', reconcilerEnabled: null, clientIp: null, network: 'testnet', services: [], extra: { future: 1 } },
      issues: [],
    });
  });

  it('reads every field of a service, an empty one as null', () => {
    const service = {
      user_type: 'Multicast',
      tunnel_name: 'doublezero1',
      tunnel_src: '1.1.1.1',
      tunnel_dst: '2.2.2.2',
      doublezero_ip: '',
      doublezero_status: { session_status: 'BGP Session Up', last_session_update: 5 },
      current_device: 'd',
      metro: 'm',
      tenant: 't',
      multicast_groups: { publisher: ['a'], subscriber: null },
    };
    expect(parseDaemonStatus(JSON.stringify([service])).value?.services).toEqual([
      {
        userType: 'Multicast',
        tunnelName: 'doublezero1',
        tunnelSrc: '1.1.1.1',
        tunnelDst: '2.2.2.2',
        doubleZeroIp: null,
        sessionStatus: 'BGP Session Up',
        lastSessionUpdate: 5,
        currentDevice: 'd',
        metro: 'm',
        tenant: 't',
        multicastGroups: { publisher: ['a'], subscriber: [] },
        raw: service,
      },
    ]);
    expect(parseDaemonStatus(JSON.stringify([{ user_type: 'IBRL', multicast_groups: { subscriber: ['b'] } }])).value?.services[0]).toMatchObject({
      multicastGroups: { publisher: [], subscriber: ['b'] },
      sessionStatus: null,
      lastSessionUpdate: null,
    });
  });

  it('reports at most 50 unreadable services', () => {
    expect(parseDaemonStatus(JSON.stringify(Array.from({ length: 60 }, () => 'x'))).issues).toHaveLength(50);
  });

  it('drops what is not a service and says why', () => {
    const r = parseDaemonStatus(
      JSON.stringify([null, 'x', { user_type: 'IBRL' }, [1], { doublezero_status: { session_status: 'disconnected' }, user_type: 'IBRL' }]),
    );
    expect(r.value?.services.map((s) => s.userType)).toEqual(['IBRL', 'IBRL']);
    expect(r.issues.map((i) => [i.at, i.message.split(':')[0]])).toEqual([
      [0, 'daemon status service 0'],
      [1, 'daemon status service 1'],
      [3, 'daemon status service 3'],
    ]);
    expect(parseDaemonStatus('[{"doublezero_status":{"session_status":"disconnected"}}]')).toEqual({
      value: { endpoint: '/status', reconcilerEnabled: null, clientIp: null, network: null, services: [], extra: {} },
      issues: [],
    });
    expect(parseDaemonStatus('[{"doublezero_status":null}]').value?.services).toHaveLength(1);
    expect(parseDaemonStatus('[{"doublezero_status":{"session_status":"up"}}]').value?.services).toHaveLength(1);
  });
});

describe('parse helpers', () => {
  it('clips long or unprintable text', () => {
    expect(clip('a\u0000b\nc\u007f')).toBe('a b c ');
    expect(clip('x'.repeat(161))).toBe(`${'x'.repeat(160)}…`);
    expect(clip('x'.repeat(160))).toBe('x'.repeat(160));
    expect(clip('abcdef', 3)).toBe('abc…');
  });

  it('reads JSON text and reports instead of throwing', () => {
    expect(parseJsonText('  ', 'ip link')).toEqual({ issue: { message: 'ip link: empty output' } });
    expect(parseJsonText('[1]', 'ip link')).toEqual({ value: [1] });
    expect(parseJsonText('[', 'ip link').issue?.message).toMatch(/^ip link: invalid JSON \(/);
  });

  it('validates each record on its own, skips zod for records the fast check passes, and reports at most 50', () => {
    const schema = z.object({ n: z.number() });
    expect(parseJsonRecords('[{"n":1},{"n":"x"}]', schema, 'thing')).toEqual({
      items: [{ n: 1 }],
      issues: [{ at: 1, message: 'thing record 1: n: Invalid input: expected number, received string' }],
    });
    expect(parseJsonRecords('[{"n":"x"}]', schema, 'thing', () => true)).toEqual({ items: [{ n: 'x' }], issues: [] });
    expect(parseJsonRecords('[{"n":2}]', schema, 'thing', () => false).items).toEqual([{ n: 2 }]);
    expect(parseJsonRecords(JSON.stringify(Array.from({ length: 60 }, () => ({}))), schema, 'thing').issues).toHaveLength(50);
    expect(parseJsonRecords('{}', schema, 'thing')).toEqual({ items: [], issues: [{ message: 'thing: expected a JSON array' }] });
    expect(parseJsonRecords('', schema, 'thing')).toEqual({ items: [], issues: [{ message: 'thing: empty output' }] });
  });
});
