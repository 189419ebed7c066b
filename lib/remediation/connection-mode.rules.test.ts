import { describe, expect, it } from 'vitest';
import { describeModeChoice, modeChangedSince, readUnicastMode, unicastModeTitles, type StatusReadResult } from './connection-mode';

// Every answer of `curl … /status` and what the reconnect makes of it: a mode, or a refusal in words.

const svc = (userType: string | null, over: Record<string, unknown> = {}) => ({
  tunnel_name: 'doublezero0',
  doublezero_ip: '198.18.0.10',
  user_type: userType,
  ...over,
});
const body = (records: unknown[]): StatusReadResult => ({ exitCode: 0, stdout: JSON.stringify(records), stderr: '' });
const reason = (r: ReturnType<typeof readUnicastMode>): string => (r.ok ? `ok ${r.mode}` : r.reason);

describe('readUnicastMode', () => {
  it.each<[string, StatusReadResult, string]>([
    [
      'nothing on the socket',
      { exitCode: 7, stdout: '', stderr: 'curl: (7)' },
      "could not read the daemon's status (nothing answers on its socket (curl exit 7): is doublezerod running?)",
    ],
    [
      'a read that never ended',
      { exitCode: null, stdout: '', stderr: '' },
      "could not read the daemon's status (no exit status: the read timed out or the connection dropped)",
    ],
    ['another curl failure', { exitCode: 28, stdout: '', stderr: '' }, "could not read the daemon's status (curl exit 28)"],
    [
      'an answer that is not a status',
      { exitCode: 0, stdout: 'hello', stderr: '' },
      expect.stringMatching(/^could not read the daemon's status: daemon status: invalid JSON/) as unknown as string,
    ],
    [
      'an error answer',
      { exitCode: 0, stdout: '{"status":"error","description":"boom"}', stderr: '' },
      "could not read the daemon's status: daemon status: the daemon reported an error: boom",
    ],
    [
      'no service',
      body([{ doublezero_status: { session_status: 'disconnected' } }]),
      'the daemon reports no connected service, so the mode it was connected with cannot be read; connect it by hand in the mode it should have',
    ],
    [
      'only a service without saved state',
      body([null]),
      'the daemon reports no connected service (daemon status service 0: null (the daemon has a service without saved state)), so the mode it was connected with cannot be read; connect it by hand in the mode it should have',
    ],
    [
      'multicast only',
      body([svc('Multicast')]),
      'the node is connected only as Multicast: a multicast reconnect needs its publisher/subscriber groups, which this action does not replay; reconnect it by hand',
    ],
    [
      'two unicast services',
      body([svc('IBRL'), svc('IBRLWithAllocatedIP'), svc('Multicast')]),
      'the daemon reports 2 unicast services (IBRL, IBRLWithAllocatedIP, Multicast); the daemon runs one, so this status cannot be trusted',
    ],
    [
      'a service without user type',
      body([svc(null)]),
      'the unicast service has no user type; only IBRL and IBRLWithAllocatedIP can be reconnected with `doublezero connect ibrl`',
    ],
    [
      'an edge-filtering service',
      body([svc('EdgeFiltering')]),
      'the unicast service has user type "EdgeFiltering"; only IBRL and IBRLWithAllocatedIP can be reconnected with `doublezero connect ibrl`',
    ],
    [
      'a long unknown user type',
      body([svc('X'.repeat(60))]),
      `the unicast service has user type "${'X'.repeat(40)}"; only IBRL and IBRLWithAllocatedIP can be reconnected with \`doublezero connect ibrl\``,
    ],
  ])('refuses %s', (_name, result, text) => {
    expect(reason(readUnicastMode(result))).toEqual(text);
  });

  it('reads the mode, the DZ IP and whether multicast runs beside it', () => {
    expect(readUnicastMode(body([svc('IBRLWithAllocatedIP', { doublezero_ip: '209.245.228.1' }), svc('Multicast')]))).toEqual({
      ok: true,
      mode: 'ibrl-allocated',
      dzIp: '209.245.228.1',
      alsoMulticast: true,
    });
    expect(readUnicastMode(body([svc('IBRL', { doublezero_ip: '' })]))).toEqual({ ok: true, mode: 'ibrl', dzIp: null, alsoMulticast: false });
  });
});

describe('describeModeChoice and modeChangedSince', () => {
  it('says what it read and what it will run, without sudo -n', () => {
    expect(
      describeModeChoice({ ok: true, mode: 'ibrl-allocated', dzIp: '209.245.228.1', alsoMulticast: true }, [
        'sudo',
        '-n',
        'doublezero',
        'connect',
        'ibrl',
        '-a',
      ]),
    ).toBe(
      'connected as IBRL with allocated IP (DZ IP 209.245.228.1): will run `doublezero connect ibrl -a`; its multicast service stays connected (only the IBRL user is disconnected)',
    );
    expect(describeModeChoice({ ok: true, mode: 'ibrl', dzIp: null, alsoMulticast: false }, ['doublezero', 'connect', 'ibrl'])).toBe(
      'connected as IBRL: will run `doublezero connect ibrl`',
    );
    expect(describeModeChoice({ ok: true, mode: 'ibrl', dzIp: null, alsoMulticast: false }, ['sudo', 'doublezero'])).toBe(
      'connected as IBRL: will run `sudo doublezero`',
    );
  });

  it('stops a run whose node no longer reports the mode its commands were chosen for', () => {
    expect(modeChangedSince({ ok: true, mode: 'ibrl', dzIp: null, alsoMulticast: false }, 'ibrl')).toBeNull();
    expect(modeChangedSince({ ok: true, mode: 'ibrl', dzIp: null, alsoMulticast: false }, 'ibrl-allocated')).toBe(
      'stopped before changing anything: the commands were chosen for IBRL with allocated IP, but the node now reports IBRL; preview and request again',
    );
    expect(modeChangedSince({ ok: false, reason: 'curl exit 7' }, 'ibrl')).toBe('stopped before changing anything: curl exit 7');
    expect(unicastModeTitles).toEqual({ ibrl: 'IBRL', 'ibrl-allocated': 'IBRL with allocated IP' });
  });
});
