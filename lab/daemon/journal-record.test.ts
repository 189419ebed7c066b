import { describe, expect, it } from 'vitest';
import { rfc3339Nano } from './clock';
import { goErrnoText } from './errno';
import { formatJournalRecord, type JournalOrigin } from './journal-record';

const origin: JournalOrigin = {
  hostname: 'lab-a',
  bootId: 'b'.repeat(32),
  pid: 1234,
  uid: 0,
  gid: 0,
  comm: 'doublezerod',
  exe: '/usr/bin/node',
  unit: 'doublezerod.service',
  identifier: 'doublezerod',
};
// 2025-11-30T19:36:22.662807Z
const at = { micros: 1_764_531_382_662_807n };
const seedLine =
  '{"time":"2025-11-30T19:36:22.662807Z","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55"}';

describe('journal record', () => {
  it('holds µs time, the journald JSON object, the short line and the bare message, tab-separated', () => {
    const line = formatJournalRecord(origin, at, 5_000_000n, 4, seedLine);
    expect(line.endsWith('\n')).toBe(true);
    const [usec, json, short, cat, ...rest] = line.slice(0, -1).split('\t');
    expect(rest).toEqual([]);
    expect(usec).toBe('1764531382662807');
    const entry = JSON.parse(json ?? '') as Record<string, unknown>;
    expect(entry).toMatchObject({
      __REALTIME_TIMESTAMP: '1764531382662807',
      __MONOTONIC_TIMESTAMP: '5000000',
      _PID: '1234',
      PRIORITY: '4',
      SYSLOG_IDENTIFIER: 'doublezerod',
      _SYSTEMD_UNIT: 'doublezerod.service',
      _HOSTNAME: 'lab-a',
      MESSAGE: seedLine,
    });
    for (const value of Object.values(entry)) expect(typeof value).toBe('string');
    expect(short).toBe(`Nov 30 19:36:22 lab-a doublezerod[1234]: ${seedLine}`);
    expect(cat).toBe(seedLine);
  });

  it('keeps a record on one line whatever the message holds', () => {
    const line = formatJournalRecord(origin, at, 0n, 6, 'a\tb\nc\rd');
    expect(line.slice(0, -1)).not.toMatch(/[\n\r]/);
    expect(line.split('\t')).toHaveLength(4);
  });
});

describe('daemon time and error text', () => {
  it('prints RFC 3339 like Go, trailing zeros of the fraction trimmed', () => {
    expect(rfc3339Nano(at)).toBe('2025-11-30T19:36:22.662807Z');
    expect(rfc3339Nano({ micros: 1_764_531_382_660_000n })).toBe('2025-11-30T19:36:22.66Z');
    expect(rfc3339Nano({ micros: 1_764_531_382_000_000n })).toBe('2025-11-30T19:36:22Z');
  });

  it('names errno values as Go does', () => {
    expect(goErrnoText('ENETUNREACH')).toBe('network is unreachable');
    expect(goErrnoText('EPERM')).toBe('operation not permitted');
    expect(goErrnoText('EWHATEVER')).toBe('ewhatever');
    expect(goErrnoText(undefined)).toBe('unknown error');
  });
});
