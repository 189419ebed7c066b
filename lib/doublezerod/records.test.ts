import { describe, expect, it } from 'vitest';
import { goDuration, goJsonString, goTimeString, instant, rfc3339Nano } from './go-format';
import { catLine, journalJsonObject, syslogLine } from './journal';
import {
  errorAddingRoute,
  isWrittenByDefault,
  managerStarting,
  metricsServerStarted,
  peerString,
  routeString,
  sendWarning,
  sessionDown,
  sessionUp,
  slogJsonLine,
  unknownPeerPacket,
  withdrawingRoute,
  type SessionUpEvent,
} from './records';
import { parseClientVersion, type ClientVersion } from './version';

function ver(text: string): ClientVersion {
  const v = parseClientVersion(text);
  if (!v) throw new Error(text);
  return v;
}

// The seed incident's line, as a real v0.7.x/v0.8.0 node wrote it (DESIGN.md, seed/enetunreach-sessions-not-cleaned-up.txt).
const SEED_LINE =
  'Nov 30 19:36:22 dfw-mn-bm1 doublezerod[1027617]: {"time":"2025-11-30T19:36:22.662807168Z","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55"}';
const SEED_AT = instant(Date.UTC(2025, 10, 30, 19, 36, 22, 662), 807168);
const SEED_PEER = { iface: 'doublezero0', localIp: '209.245.225.161', peerIp: '216.238.110.55' };
const SEED_ERROR = 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable';

describe('send warning (internal/liveness/scheduler.go)', () => {
  it('v0.7.1 … v0.8.0 write the seed line byte for byte, syslog carrier included', () => {
    for (const v of ['0.7.1', '0.7.2', '0.8.0']) {
      const rec = sendWarning(ver(v), SEED_AT, SEED_PEER, SEED_ERROR);
      expect(syslogLine('dfw-mn-bm1', 1027617, SEED_AT.epochMs, rec.line)).toBe(SEED_LINE);
    }
  });

  it('v0.7.0 has only `error`: s.log.Warn("…error writing UDP packet", "error", err)', () => {
    const rec = sendWarning(ver('0.7.0'), SEED_AT, SEED_PEER, SEED_ERROR);
    expect(rec.line).toBe(
      '{"time":"2025-11-30T19:36:22.662807168Z","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable"}',
    );
  });

  it('v0.8.1 and later keep the v0.7.1 shape', () => {
    expect(sendWarning(ver('0.8.3'), SEED_AT, SEED_PEER, SEED_ERROR).line).toBe(SEED_LINE.slice(SEED_LINE.indexOf('{')));
  });
});

describe('Go value formatting', () => {
  it('RFC3339Nano trims trailing zeros and drops a zero fraction, as slog writes `time`', () => {
    expect(rfc3339Nano(instant(Date.UTC(2025, 10, 30, 19, 0, 0, 500)))).toBe('2025-11-30T19:00:00.5Z');
    expect(rfc3339Nano(instant(Date.UTC(2025, 10, 30, 19, 0, 0, 0)))).toBe('2025-11-30T19:00:00Z');
    expect(rfc3339Nano(instant(Date.UTC(2025, 10, 30, 19, 0, 0, 12), 3400))).toBe('2025-11-30T19:00:00.0120034Z');
  });

  it('time.Time.String() and time.Duration.String()', () => {
    expect(goTimeString(SEED_AT)).toBe('2025-11-30 19:36:22.662807168 +0000 UTC');
    expect(goTimeString(null)).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(300e6)).toBe('300ms');
    expect(goDuration(1e9)).toBe('1s');
    expect(goDuration(60e9)).toBe('1m0s');
    expect(goDuration(1_500)).toBe('1.5µs');
    expect(goDuration(3_723_500_000_000)).toBe('1h2m3.5s');
    expect(goDuration(2_345_678_901)).toBe('2.345678901s');
  });

  it('slog JSON escaping: no HTML escaping, control bytes as \\u00XX', () => {
    expect(goJsonString('a<b>&"c"\\\n\u0001')).toBe('"a<b>&\\"c\\"\\\\\\n\\u0001"');
    expect(
      slogJsonLine(SEED_AT, 'INFO', 'm', [
        ['n', 3],
        ['b', false],
      ]),
    ).toBe('{"time":"2025-11-30T19:36:22.662807168Z","level":"INFO","msg":"m","n":3,"b":false}');
  });
});

describe('manager.go records by version', () => {
  const at = instant(Date.UTC(2025, 10, 30, 19, 0, 1, 250));
  const peer = { iface: 'doublezero0', localIp: '209.245.225.161', peerIp: '216.238.110.55' };

  it('Peer.String() and routing.Route.String() (no comma before protocol)', () => {
    expect(peerString(peer)).toBe('interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55');
    expect(routeString({ ...peer, nextHop: '169.254.0.6' })).toBe('table: 254, dst: 216.238.110.55/32, src: 209.245.225.161, nh: 169.254.0.6 protocol: bgp');
  });

  it('unknown-peer control packet: WARN with peer up to v0.8.0, DEBUG (not written) since v0.8.1; state is a number', () => {
    const pkt = { peer, peerDiscr: 0, localDiscr: 2864434397, state: 'down' as const };
    const warn = unknownPeerPacket(ver('0.8.0'), at, pkt);
    expect(warn.line).toBe(
      '{"time":"2025-11-30T19:00:01.25Z","level":"WARN","msg":"liveness: received control packet for unknown peer","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55","peerDiscr":0,"localDiscr":2864434397,"state":1}',
    );
    expect(unknownPeerPacket(ver('0.7.0'), at, pkt).level).toBe('WARN');
    const later = unknownPeerPacket(ver('0.8.1'), at, pkt);
    expect(later.level).toBe('DEBUG');
    expect(isWrittenByDefault(later)).toBe(false);
  });

  const up: SessionUpEvent = {
    peer,
    nextHop: '169.254.0.6',
    convergenceNanos: 2_345_678_901,
    upSince: at,
    noOp: 'global-passive',
    peerAdvertisedMode: 'passive',
    peerClientVersion: '0.8.3',
  };

  it('session up: v0.7.0 peer/route/convergence at INFO', () => {
    const rec = sessionUp(ver('0.7.0'), at, up);
    expect(rec.line).toBe(
      '{"time":"2025-11-30T19:00:01.25Z","level":"INFO","msg":"liveness: session up","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55","route":"table: 254, dst: 216.238.110.55/32, src: 209.245.225.161, nh: 169.254.0.6 protocol: bgp","convergence":"2.345678901s"}',
    );
  });

  it('session up: + upSince in v0.7.1 (INFO), DEBUG in v0.7.2 … v0.8.0 so not written by default', () => {
    const v071 = sessionUp(ver('0.7.1'), at, up);
    expect(v071.level).toBe('INFO');
    expect(v071.line).toContain('"upSince":"2025-11-30 19:00:01.25 +0000 UTC"}');
    for (const v of ['0.7.2', '0.8.0']) {
      const rec = sessionUp(ver(v), at, up);
      expect(rec.level).toBe('DEBUG');
      expect(isWrittenByDefault(rec)).toBe(false);
      expect(rec.msg).toBe('liveness: session up');
    }
  });

  it('session up: v0.8.1+ INFO with the no-op suffix and peerAdvertisedMode, peerClientVersion', () => {
    const rec = sessionUp(ver('0.8.3'), at, up);
    expect(rec.level).toBe('INFO');
    expect(rec.msg).toBe('liveness: session up (global passive; no-op)');
    expect(rec.line).toMatch(/"upSince":"[^"]+","peerAdvertisedMode":"passive","peerClientVersion":"0.8.3"}$/);
    expect(sessionUp(ver('0.8.1'), at, { ...up, noOp: 'already-installed' }).msg).toBe('liveness: session up (already installed; no-op)');
    expect(sessionUp(ver('0.8.1'), at, { ...up, noOp: 'not-desired' }).msg).toBe('liveness: session up (not desired; no-op)');
    expect(sessionUp(ver('0.8.1'), at, { ...up, noOp: null }).msg).toBe('liveness: session up');
  });

  it('session down attrs by version', () => {
    const ev = { peer, nextHop: '169.254.0.6', convergenceNanos: 3e9, downSince: at, downReason: 'timeout' as const, peerClientVersion: '0.8.3' };
    expect(sessionDown(ver('0.7.0'), at, ev).line).toMatch(/"convergence":"3s"}$/);
    expect(sessionDown(ver('0.8.0'), at, ev).line).toMatch(/"convergence":"3s","downSince":"2025-11-30 19:00:01.25 \+0000 UTC","downReason":"timeout"}$/);
    expect(sessionDown(ver('0.8.1'), at, ev).line).toMatch(/"downReason":"timeout","peerClientVersion":"0.8.3"}$/);
  });

  it('session down in global passive mode: the keeping-route variant, INFO v0.8.1 … v0.11.x, DEBUG since v0.12.0', () => {
    const ev = { peer, nextHop: '169.254.0.6', convergenceNanos: 3e9, downSince: at, downReason: 'timeout' as const, peerClientVersion: '0.8.3' };
    const rec = sessionDown(ver('0.8.3'), at, ev, { globalPassive: true });
    expect(rec.line).toBe(
      '{"time":"2025-11-30T19:00:01.25Z","level":"INFO","msg":"liveness: session down (global passive; keeping route)","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55","route":"table: 254, dst: 216.238.110.55/32, src: 209.245.225.161, nh: 169.254.0.6 protocol: bgp","downSince":"2025-11-30 19:00:01.25 +0000 UTC","downReason":"timeout","peerClientVersion":"0.8.3"}',
    );
    expect(sessionDown(ver('0.12.0'), at, ev, { globalPassive: true }).level).toBe('DEBUG');
    expect(sessionDown(ver('0.8.0'), at, ev, { globalPassive: true }).msg).toBe('liveness: session down');
  });

  it('withdrawing route, error adding route, metrics server started', () => {
    expect(withdrawingRoute(at, { peer, nextHop: '169.254.0.6' }).line).toBe(
      '{"time":"2025-11-30T19:00:01.25Z","level":"INFO","msg":"liveness: withdrawing route","route":"table: 254, dst: 216.238.110.55/32, src: 209.245.225.161, nh: 169.254.0.6 protocol: bgp","iface":"doublezero0"}',
    );
    expect(errorAddingRoute(at, { peer, nextHop: '169.254.0.6' }, 'file exists').line).toContain(
      '"level":"ERROR","msg":"liveness: error adding route on session up","error":"file exists","route":"table: 254',
    );
    expect(metricsServerStarted(at, '127.0.0.1:41235').line).toBe(
      '{"time":"2025-11-30T19:00:01.25Z","level":"INFO","msg":"prometheus metrics server started","address":"127.0.0.1:41235"}',
    );
  });

  it('manager starting: attrs by version (manager.go log.Info("liveness: manager starting", …))', () => {
    expect(managerStarting(ver('0.8.0'), at, { passiveMode: false }).line).toBe(
      '{"time":"2025-11-30T19:00:01.25Z","level":"INFO","msg":"liveness: manager starting","localAddr":"0.0.0.0:44880","txMin":"300ms","rxMin":"300ms","detectMult":3,"passiveMode":false,"peerMetrics":false}',
    );
    expect(managerStarting(ver('0.8.3'), at, { passiveMode: true }).line).toMatch(/"passiveMode":true,"peerMetrics":false,"honorPeerAdvertisedPassive":true}$/);
    expect(managerStarting(ver('0.32.0'), at, { passiveMode: true }).line).toContain(
      '"txMin":"1s","rxMin":"1s","detectMult":3,"minTxFloor":"50ms","maxTxCeil":"3s","backoffMax":"1m0s","passiveMode":true',
    );
  });
});

describe('journal carriers', () => {
  it('-o json holds the line in MESSAGE at PRIORITY 6 with _PID and __REALTIME_TIMESTAMP; -o cat is the line', () => {
    const line = sendWarning(ver('0.8.0'), SEED_AT, SEED_PEER, SEED_ERROR).line;
    const obj = journalJsonObject(
      {
        hostname: 'dfw-mn-bm1',
        pid: 1027617,
        realtimeUs: 1764531382662850n,
        monotonicUs: 9_000_000n,
        bootId: 'b',
        machineId: 'm',
        invocationId: 'i',
        streamId: 's',
        seqnum: 7n,
      },
      line,
    );
    expect(obj.MESSAGE).toBe(line);
    expect(obj.PRIORITY).toBe('6');
    expect(obj._PID).toBe('1027617');
    expect(obj.SYSLOG_IDENTIFIER).toBe('doublezerod');
    expect(obj._SYSTEMD_UNIT).toBe('doublezerod.service');
    expect(obj.__REALTIME_TIMESTAMP).toBe('1764531382662850');
    expect(catLine(line)).toBe(line);
  });
});
