import { describe, expect, it } from 'vitest';
import { daemonRouteFields, parseDaemonRoutes } from '../parse/daemon-routes';
import { routesBody, type ProvisionedService } from './api';
import { instant } from './go-format';
import { parseClientVersion, type ClientVersion } from './version';

// The simulator and the lab daemon print `GET /routes` with routesBody; the agent reads it with
// parseDaemonRoutes. Both use the one record type (lib/parse/daemon-routes.ts), and this holds the
// printed body to it: every field the model writes is one the parser knows, in the daemon's order.

function ver(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(text);
  return v;
}

const svc: ProvisionedService = {
  userType: 'IBRL',
  tunnelName: 'doublezero0',
  tunnelSrc: '64.130.50.10',
  tunnelDst: '64.130.1.1',
  doubleZeroIp: '64.130.50.10',
  overlayPeer: '169.254.0.6',
  bgpStatus: 'BGP Session Up',
  lastSessionUpdate: 1764529200,
};
const at = instant(Date.UTC(2025, 10, 30, 19, 0, 5));
const input = {
  network: 'mainnet-beta',
  services: [svc],
  kernelRoutes: [{ peerIp: '216.238.110.55', src: '64.130.50.10', nextHop: '169.254.0.6' }],
  sessions: [
    {
      iface: 'doublezero0',
      localIp: '64.130.50.10',
      peerIp: '216.238.110.55',
      nextHop: '169.254.0.6',
      state: 'up' as const,
      downReason: 'none' as const,
      lastUpdated: at,
      expectedKernelState: 'present' as const,
      peerMode: 'passive' as const,
      peerClientVersion: '0.8.3',
    },
    {
      iface: 'doublezero0',
      localIp: '64.130.50.10',
      peerIp: '216.238.110.56',
      nextHop: '169.254.0.6',
      state: 'down' as const,
      downReason: 'timeout' as const,
      lastUpdated: at,
    },
  ],
};

describe('the /routes record', () => {
  it.each(['0.8.0', '0.8.3'])('v%s: the model prints only fields the parser knows, in its order, and the parser reads them without issue', (version) => {
    const body = routesBody(ver(version), input);
    const records = JSON.parse(body) as Array<Record<string, unknown>>;
    expect(records).toHaveLength(2);
    for (const record of records) {
      const keys = Object.keys(record);
      expect(
        keys.every((k) => (daemonRouteFields as string[]).includes(k)),
        keys.join(','),
      ).toBe(true);
      expect(keys).toEqual(daemonRouteFields.filter((f) => keys.includes(f)));
    }
    const parsed = parseDaemonRoutes(body);
    expect(parsed.issues).toEqual([]);
    expect(parsed.items.map((r) => [r.peerIP, r.kernelState, r.livenessState])).toEqual([
      ['216.238.110.55', 'present', 'up'],
      ['216.238.110.56', 'absent', 'down'],
    ]);
  });
});
