import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { v2StatusBody, type ProvisionedService } from '../doublezerod/api';
import { parseClientVersion } from '../doublezerod/version';
import { parseDaemonStatus } from './daemon-status';

// Bodies as upstream's encoding/json writes them (client/doublezerod/internal/manager/http.go
// V2StatusResponse / V2ServiceStatus with the embedded api.StatusResponse; internal/api/requests.go;
// the /status "disconnected" literal and the single-service line are upstream's own http_test.go wants).

const v2Service = (userType: string, extra: Record<string, unknown> = {}) => ({
  tunnel_name: 'doublezero0',
  tunnel_src: '209.245.225.10',
  tunnel_dst: '64.86.248.128',
  doublezero_ip: '209.245.225.161',
  doublezero_status: { session_status: 'BGP Session Up', last_session_update: 1764531382 },
  user_type: userType,
  current_device: 'dfw-dz001',
  lowest_latency_device: 'dfw-dz001',
  metro: 'Dallas',
  tenant: '',
  multicast_groups: { publisher: [], subscriber: [] },
  subscriptions: [],
  ...extra,
});

const v2Body = (services: unknown[]) => `${JSON.stringify({ reconciler_enabled: true, client_ip: '209.245.225.10', network: 'testnet', services })}\n`;

describe('parseDaemonStatus', () => {
  it('reads a /v2/status body: top-level fields and each service with its user type', () => {
    const { value, issues } = parseDaemonStatus(v2Body([v2Service('IBRLWithAllocatedIP')]));
    expect(issues).toEqual([]);
    expect(value).toMatchObject({ endpoint: '/v2/status', reconcilerEnabled: true, clientIp: '209.245.225.10', network: 'testnet' });
    expect(value?.services).toEqual([
      expect.objectContaining({
        userType: 'IBRLWithAllocatedIP',
        tunnelName: 'doublezero0',
        doubleZeroIp: '209.245.225.161',
        sessionStatus: 'BGP Session Up',
        lastSessionUpdate: 1764531382,
        currentDevice: 'dfw-dz001',
        metro: 'Dallas',
        tenant: null,
        multicastGroups: { publisher: [], subscriber: [] },
      }),
    ]);
  });

  it('keeps unknown fields, at the top level and in each service', () => {
    const body = JSON.stringify({
      reconciler_enabled: false,
      client_ip: '1.2.3.4',
      network: 'mainnet-beta',
      services: [v2Service('IBRL', { future_field: 7 })],
      added_later: { a: 1 },
    });
    const { value } = parseDaemonStatus(body);
    expect(value?.extra).toEqual({ added_later: { a: 1 } });
    expect(value?.services[0]?.raw.future_field).toBe(7);
    expect(value?.services[0]?.raw.subscriptions).toEqual([]);
  });

  it('reads a node running unicast and multicast, with the multicast groups', () => {
    const mc = v2Service('Multicast', {
      tunnel_name: 'doublezero1',
      doublezero_ip: '',
      multicast_groups: { publisher: ['jito-shreds'], subscriber: ['bebop'] },
    });
    const { value } = parseDaemonStatus(v2Body([v2Service('IBRL'), mc]));
    expect(value?.services.map((s) => [s.userType, s.tunnelName, s.doubleZeroIp])).toEqual([
      ['IBRL', 'doublezero0', '209.245.225.161'],
      ['Multicast', 'doublezero1', null],
    ]);
    expect(value?.services[1]?.multicastGroups).toEqual({ publisher: ['jito-shreds'], subscriber: ['bebop'] });
  });

  it('reads the /status array every version serves (no enrichment, no multicast groups)', () => {
    const body =
      '[{"tunnel_name":"doublezero0","tunnel_src":"1.1.1.1","tunnel_dst":"2.2.2.2","doublezero_ip":"3.3.3.3","doublezero_status":{"session_status":"Pending BGP Session","last_session_update":0},"user_type":"IBRL"}]\n';
    const { value, issues } = parseDaemonStatus(body);
    expect(issues).toEqual([]);
    expect(value).toMatchObject({ endpoint: '/status', reconcilerEnabled: null, clientIp: null });
    expect(value?.services).toEqual([
      expect.objectContaining({ userType: 'IBRL', tunnelDst: '2.2.2.2', sessionStatus: 'Pending BGP Session', multicastGroups: null, currentDevice: null }),
    ]);
  });

  it('the /status "disconnected" placeholder and an empty v2 list both mean no service', () => {
    expect(parseDaemonStatus('[{"doublezero_status": {"session_status": "disconnected"}}]')).toEqual({
      value: expect.objectContaining({ services: [] }),
      issues: [],
    });
    expect(parseDaemonStatus(v2Body([]))).toEqual({ value: expect.objectContaining({ services: [] }), issues: [] });
  });

  it('a null service (saved state missing) is an issue, the other services still count', () => {
    const { value, issues } = parseDaemonStatus(`[null, ${JSON.stringify(v2Service('IBRL'))}]`);
    expect(value?.services.map((s) => s.userType)).toEqual(['IBRL']);
    expect(issues).toEqual([{ at: 0, message: expect.stringContaining('null') }]);
  });

  it('keeps a user type it does not know as written, and a missing one as null', () => {
    const { value } = parseDaemonStatus(v2Body([v2Service('SomethingNew'), { tunnel_name: 'doublezero0' }]));
    expect(value?.services.map((s) => s.userType)).toEqual(['SomethingNew', null]);
  });

  it('names what it could not read: 404 of an old daemon, an error object, empty output, not JSON', () => {
    expect(parseDaemonStatus('404 page not found\n')).toEqual({ value: null, issues: [{ message: expect.stringContaining('v0.10.0') }] });
    expect(
      parseDaemonStatus('{"status":"error","description":"error getting unicast service status: netlink: saved state is not programmed into client"}').issues[0]
        ?.message,
    ).toContain('saved state is not programmed');
    expect(parseDaemonStatus('').issues[0]?.message).toContain('empty output');
    expect(parseDaemonStatus('curl: (7) Failed to connect').issues[0]?.message).toContain('invalid JSON');
    expect(parseDaemonStatus('{"reconciler_enabled":true}').issues[0]?.message).toContain('no services');
    expect(parseDaemonStatus('42').value).toBeNull();
  });

  it('reads what the shared daemon model writes, and names the 404 of a daemon before v0.10.0', () => {
    const svc: ProvisionedService = {
      userType: 'IBRLWithAllocatedIP',
      tunnelName: 'doublezero0',
      tunnelSrc: '198.18.0.10',
      tunnelDst: '64.86.248.128',
      doubleZeroIp: '209.245.228.1',
      overlayPeer: '169.254.0.2',
      bgpStatus: 'BGP Session Up',
      lastSessionUpdate: 1764531382,
    };
    const input = { reconcilerEnabled: true, clientIp: '198.18.0.10', network: 'testnet', services: [svc] };
    const current = parseDaemonStatus(v2StatusBody(parseClientVersion('0.10.0')!, input));
    expect(current.issues).toEqual([]);
    expect(current.value?.services.map((s) => [s.userType, s.doubleZeroIp, s.sessionStatus])).toEqual([
      ['IBRLWithAllocatedIP', '209.245.228.1', 'BGP Session Up'],
    ]);
    const old = parseDaemonStatus(v2StatusBody(parseClientVersion('0.8.0')!, input));
    expect(old).toEqual({ value: null, issues: [{ message: expect.stringContaining('404 page not found') }] });
  });

  it('never throws, whatever the node prints', () => {
    const service = fc.dictionary(
      fc.constantFrom('user_type', 'tunnel_name', 'doublezero_status', 'multicast_groups', 'doublezero_ip', 'tenant'),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const bodies = fc.oneof(
      fc.string(),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.array(fc.oneof(service, fc.constant(null))).map((s) => JSON.stringify(s)),
      fc.record({ services: fc.array(service), reconciler_enabled: fc.jsonValue(), client_ip: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        expect(() => parseDaemonStatus(body)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
