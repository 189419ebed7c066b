import { describe, expect, it } from 'vitest';
import { statusBody, type ProvisionedService, type UserType } from '../doublezerod/api';
import { findAction } from './catalog';
import { connectionStatusArgv, describeModeChoice, modeChangedSince, readUnicastMode, type ModeReading } from './connection-mode';
import { renderAction } from './render';

// /status bodies as upstream writes them (client/doublezerod/internal/manager/http.go ServeStatus,
// internal/api/requests.go StatusResponse): one record per provisioned service.
const service = (userType: string, over: Record<string, unknown> = {}) => ({
  tunnel_name: 'doublezero0',
  tunnel_src: '198.18.0.10',
  tunnel_dst: '64.86.248.128',
  doublezero_ip: userType === 'IBRLWithAllocatedIP' ? '209.245.228.1' : '198.18.0.10',
  doublezero_status: { session_status: 'BGP Session Up', last_session_update: 1764531382 },
  user_type: userType,
  ...over,
});
const ok = (records: unknown[]) => ({ exitCode: 0, stdout: `${JSON.stringify(records)}\n`, stderr: '' });
const multicast = service('Multicast', { tunnel_name: 'doublezero1', doublezero_ip: '' });

function refused(r: ModeReading): string {
  if (r.ok) throw new Error(`expected a refusal, got ${r.mode}`);
  return r.reason;
}

describe('reading the unicast mode from the daemon', () => {
  it('IBRLWithAllocatedIP is the -a mode, IBRL the plain one', () => {
    expect(readUnicastMode(ok([service('IBRLWithAllocatedIP')]))).toEqual({ ok: true, mode: 'ibrl-allocated', dzIp: '209.245.228.1', alsoMulticast: false });
    expect(readUnicastMode(ok([service('IBRL')]))).toEqual({ ok: true, mode: 'ibrl', dzIp: '198.18.0.10', alsoMulticast: false });
  });

  it('a node with unicast and multicast: the unicast mode, multicast noted', () => {
    expect(readUnicastMode(ok([service('IBRLWithAllocatedIP'), multicast]))).toMatchObject({ ok: true, mode: 'ibrl-allocated', alsoMulticast: true });
  });

  it('reads what the shared daemon model answers on GET /status', () => {
    const svc = (userType: UserType, tunnelName: 'doublezero0' | 'doublezero1', doubleZeroIp: string): ProvisionedService => ({
      userType,
      tunnelName,
      tunnelSrc: '198.18.0.10',
      tunnelDst: '64.86.248.128',
      doubleZeroIp,
      overlayPeer: '169.254.0.2',
      bgpStatus: 'BGP Session Up',
      lastSessionUpdate: 1764531382,
    });
    const read = (services: ProvisionedService[]) => readUnicastMode({ exitCode: 0, stdout: statusBody(services), stderr: '' });
    expect(read([svc('IBRLWithAllocatedIP', 'doublezero0', '209.245.228.1')])).toEqual({
      ok: true,
      mode: 'ibrl-allocated',
      dzIp: '209.245.228.1',
      alsoMulticast: false,
    });
    expect(read([svc('Multicast', 'doublezero1', ''), svc('IBRL', 'doublezero0', '198.18.0.10')])).toEqual({
      ok: true,
      mode: 'ibrl',
      dzIp: '198.18.0.10',
      alsoMulticast: true,
    });
    expect(read([])).toMatchObject({ ok: false, reason: expect.stringMatching(/no connected service/) });
  });

  it('reads the /v2/status object too', () => {
    const body = JSON.stringify({ reconciler_enabled: true, client_ip: '198.18.0.10', network: 'testnet', services: [service('IBRL')] });
    expect(readUnicastMode({ exitCode: 0, stdout: body, stderr: '' })).toMatchObject({ ok: true, mode: 'ibrl' });
  });

  it.each([
    ['no service (disconnected placeholder)', ok([{ doublezero_status: { session_status: 'disconnected' } }]), /no connected service/],
    ['multicast only', ok([multicast]), /only as Multicast.*publisher\/subscriber groups/],
    ['EdgeFiltering', ok([service('EdgeFiltering')]), /user type "EdgeFiltering"/],
    ['Unknown', ok([service('Unknown')]), /user type "Unknown"/],
    ['a type from a newer daemon', ok([service('IBRLv2')]), /user type "IBRLv2"/],
    ['no user type', ok([{ tunnel_name: 'doublezero0' }]), /no user type/],
    ['two unicast services', ok([service('IBRL'), service('IBRLWithAllocatedIP')]), /2 unicast services/],
    ['a service without saved state (null)', ok([null]), /no connected service.*null/],
    ['daemon not running (curl exit 7)', { exitCode: 7, stdout: '', stderr: '' }, /curl exit 7.*running/],
    ['read timed out', { exitCode: null, stdout: '', stderr: '' }, /timed out/],
    [
      'a daemon error',
      {
        exitCode: 0,
        stdout: '{"status": "error", "description": "error while getting status: netlink: saved state is not programmed into client"}',
        stderr: '',
      },
      /saved state is not programmed/,
    ],
    ['not JSON', { exitCode: 0, stdout: '<html>', stderr: '' }, /invalid JSON/],
  ])('refuses with a reason when it cannot tell: %s', (_name, result, reason) => {
    expect(refused(readUnicastMode(result))).toMatch(reason);
  });
});

describe('reconnect-daemon keeps the mode', () => {
  const action = findAction('reconnect-daemon')!;
  const lines = (mode: 'ibrl' | 'ibrl-allocated') => {
    const r = renderAction(action, {}, { unicastMode: mode });
    if (!r.ok) throw new Error(r.problems.join('; '));
    return r.commands;
  };

  it('an -a node: re-reads the mode, disconnects IBRL only, reconnects with -a', () => {
    expect(lines('ibrl-allocated').map((c) => c.line)).toEqual([
      'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status',
      'sudo -n doublezero disconnect ibrl',
      'sudo -n doublezero connect ibrl -a',
    ]);
    expect(lines('ibrl-allocated')[0]).toMatchObject({ argv: [...connectionStatusArgv], expectUnicastMode: 'ibrl-allocated' });
  });

  it('a plain IBRL node: no -a anywhere', () => {
    expect(lines('ibrl').map((c) => c.line)).toEqual([
      'curl -s --max-time 2 --unix-socket /run/doublezerod/doublezerod.sock http://localhost/status',
      'sudo -n doublezero disconnect ibrl',
      'sudo -n doublezero connect ibrl',
    ]);
    expect(lines('ibrl').some((c) => c.argv.includes('-a'))).toBe(false);
  });

  it('cannot be rendered without the mode (no default that could replay the seed bug)', () => {
    expect(renderAction(action, {})).toEqual({ ok: false, problems: [expect.stringContaining("node's connection mode")] });
  });

  it('says what it read and what it will run', () => {
    const reading = readUnicastMode(ok([service('IBRLWithAllocatedIP'), multicast]));
    if (!reading.ok) throw new Error(reading.reason);
    expect(describeModeChoice(reading, ['sudo', '-n', 'doublezero', 'connect', 'ibrl', '-a'])).toBe(
      'connected as IBRL with allocated IP (DZ IP 209.245.228.1): will run `doublezero connect ibrl -a`; its multicast service stays connected (only the IBRL user is disconnected)',
    );
  });

  it('the run stops when the node no longer reports the mode the commands were chosen for', () => {
    expect(modeChangedSince(readUnicastMode(ok([service('IBRLWithAllocatedIP')])), 'ibrl-allocated')).toBeNull();
    expect(modeChangedSince(readUnicastMode(ok([service('IBRL')])), 'ibrl-allocated')).toMatch(
      /chosen for IBRL with allocated IP, but the node now reports IBRL/,
    );
    expect(modeChangedSince(readUnicastMode({ exitCode: 7, stdout: '', stderr: '' }), 'ibrl')).toMatch(/stopped before changing anything: could not read/);
  });
});
