import { describe, expect, it } from 'vitest';
import { DAEMON_STARTED_MSG, DAEMON_STOPPED_MSG, SEND_FAILURE_MSG, parseJournal, parseJournalDetailed } from './journal';

// doublezerod's journal in the forms `journalctl -u doublezerod` prints (syslog prefix, -o short-iso,
// -o json, -o cat), one field or carrier at a time.

const rec = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    time: '2025-11-30T19:36:22Z',
    level: 'INFO',
    msg: 'liveness: session up',
    peer: 'interface: doublezero0, localIP: 10.0.0.1, peerIP: 10.0.0.2',
    ...over,
  });
const one = (line: string) => {
  const events = parseJournal(line);
  expect(events).toHaveLength(1);
  return events[0]!;
};

describe('parseJournal: carriers', () => {
  it('takes the syslog time, in the reference year, when the record has none', () => {
    const line = `Nov 30 19:36:22 host doublezerod[42]: ${rec({ time: undefined })}`;
    expect(parseJournalDetailed(line, 2025).events[0]).toMatchObject({ at: '2025-11-30T19:36:22.000Z', pid: 42 });
    expect(parseJournalDetailed(line).events[0]?.at).toBe('1970-11-30T19:36:22.000Z');
    expect(parseJournalDetailed(`Jan  5 01:02:03.123 host doublezerod: ${rec({ time: undefined })}`, 2025).events[0]).toMatchObject({
      at: '2025-01-05T01:02:03.000Z',
    });
    expect(parseJournalDetailed(`Dec 31 23:59:59 host doublezerod: ${rec({ time: undefined })}`, 2025).events[0]?.pid).toBeUndefined();
  });

  it('prefers the record time to the carrier time', () => {
    expect(one(`Nov 30 01:00:00 host doublezerod[42]: ${rec()}`).at).toBe('2025-11-30T19:36:22.000Z');
    expect(one(`Foo 30 01:00:00 host doublezerod[42]: ${rec()}`).at).toBe('2025-11-30T19:36:22.000Z');
  });

  it('skips a record whose only time is an unknown month', () => {
    const r = parseJournalDetailed(`Foo 30 01:00:00 host doublezerod[42]: ${rec({ time: undefined })}`);
    expect(r).toMatchObject({ events: [], skipped: 1 });
    expect(r.issues[0]?.message).toMatch(/^record without a usable time: Foo 30/);
  });

  it('takes an unreadable record time as none', () => {
    expect(parseJournalDetailed(`2025-11-30T19:00:00Z host doublezerod[7]: ${rec({ time: 'yesterday' })}`).events[0]?.at).toBe('2025-11-30T19:00:00.000Z');
  });

  it('reads journald objects: the time, the PID, the MESSAGE as text or bytes', () => {
    const j = (over: Record<string, unknown>) =>
      JSON.stringify({ MESSAGE: rec({ time: undefined }), __REALTIME_TIMESTAMP: '1764531382662807', _PID: '77', SYSLOG_IDENTIFIER: 'doublezerod', ...over });
    expect(one(j({}))).toMatchObject({ at: '2025-11-30T19:36:22.662Z', pid: 77 });
    expect(one(j({ MESSAGE: Array.from(new TextEncoder().encode(rec())) })).msg).toBe('liveness: session up');
    expect(one(j({ _PID: '0', MESSAGE: rec() })).pid).toBeUndefined();
    expect(one(j({ _PID: undefined, MESSAGE: rec() })).pid).toBeUndefined();
    expect(parseJournalDetailed(j({ __REALTIME_TIMESTAMP: undefined })).skipped).toBe(1);
    const nullMessage = parseJournalDetailed(j({ MESSAGE: null }));
    expect(nullMessage.skipped).toBe(1);
    expect(nullMessage.issues[0]?.message).toMatch(/^journald entry without MESSAGE: /);
  });

  it('reads systemd start and stop lines of the unit, with the carrier time, and nothing else of systemd', () => {
    const sys = (text: string, ident = 'systemd[1]') => parseJournal(`Nov 30 19:30:00 host ${ident}: ${text}`);
    expect(sys('Started doublezerod.service - DoubleZero client.')[0]).toMatchObject({
      msg: DAEMON_STARTED_MSG,
      level: 'INFO',
      at: '1970-11-30T19:30:00.000Z',
    });
    expect(sys('Started DoubleZero client.', 'systemd')[0]?.msg).toBe(DAEMON_STARTED_MSG);
    expect(sys('Stopped DoubleZero client.')[0]?.msg).toBe(DAEMON_STOPPED_MSG);
    expect(sys('doublezerod.service: Main process exited, code=killed')[0]?.msg).toBe(DAEMON_STOPPED_MSG);
    expect(sys("doublezerod.service: Failed with result 'signal'.")[0]?.msg).toBe(DAEMON_STOPPED_MSG);
    expect(sys('Started other.service')).toEqual([]);
    expect(sys('Started doublezerod.service', 'systemd-logind')).toEqual([]);
    expect(sys('Started doublezerod.service')[0]?.fields.text).toBe('Started doublezerod.service');
    const noTime = JSON.stringify({ MESSAGE: 'Started doublezerod.service', SYSLOG_IDENTIFIER: 'systemd' });
    expect(parseJournalDetailed(noTime)).toMatchObject({ events: [], skipped: 0 });
  });

  it('ignores blank lines, journalctl markers and the daemon plain-text lines; counts garbage', () => {
    const text = [
      '',
      '   ',
      '-- Boot abc --',
      'Nov 30 19:30:00 host doublezerod[1]: panic: oops',
      `Nov 30 19:30:00 host doublezerod[1]: {"msg":`,
      'x'.repeat(70_000),
      `${rec()}\r`,
    ].join('\n');
    const r = parseJournalDetailed(text);
    expect(r.events).toHaveLength(1);
    expect(r.skipped).toBe(2);
    expect(r.issues.map((i) => [i.at, i.message.split(':')[0]])).toEqual([
      [5, 'invalid JSON in message'],
      [6, 'line too long'],
    ]);
    expect(r.events[0]?.raw).toBe(rec());
  });

  it('reads a line of exactly 64 KiB, and calls one character more too long', () => {
    const line = (n: number) => 'x'.repeat(n);
    expect(parseJournalDetailed(line(64 * 1024)).issues[0]?.message).toMatch(/^not a journal record: /);
    expect(parseJournalDetailed(line(64 * 1024 + 1)).issues[0]?.message).toMatch(/^line too long: /);
  });

  it('keeps at most 50 issues however much garbage there is', () => {
    const r = parseJournalDetailed(Array.from({ length: 60 }, () => 'garbage').join('\n'));
    expect(r.skipped).toBe(60);
    expect(r.issues).toHaveLength(50);
    const late = parseJournalDetailed([...Array.from({ length: 60 }, () => 'garbage'), rec({ time: undefined })].join('\n'));
    expect(late.issues).toHaveLength(50);
    expect(late.skipped).toBe(61);
  });
});

describe('parseJournal: records', () => {
  it('upper-cases the level, INFO when absent, cut at 16 characters', () => {
    expect(one(rec({ level: 'warn' })).level).toBe('WARN');
    expect(one(rec({ level: undefined })).level).toBe('INFO');
    expect(one(rec({ level: 'x'.repeat(20) })).level).toBe('X'.repeat(16));
  });

  it('keeps only liveness and systemd records, counting the others', () => {
    const r = parseJournalDetailed(
      [rec({ msg: 'bgp: up' }), rec({ msg: 'systemd: daemon started' }), rec({ msg: 'systemd:x' }), rec({ msg: 'liveness.scheduler: x' })].join('\n'),
    );
    expect(r.events.map((e) => e.msg)).toEqual(['systemd: daemon started', 'liveness.scheduler: x']);
    expect(r.otherRecords).toBe(2);
  });

  it('writes a non-text error as JSON', () => {
    expect(one(rec({ error: { code: 101 } })).error).toBe('{"code":101}');
    expect(one(rec()).error).toBeUndefined();
  });

  it('reads the peer from a structured object or top-level keys', () => {
    expect(one(rec({ peer: { Interface: 'doublezero1', LocalIP: '10.0.0.5', PeerIP: '10.0.0.6' } }))).toMatchObject({
      interface: 'doublezero1',
      localIP: '10.0.0.5',
      peerIP: '10.0.0.6',
      peerFrom: 'peer-field',
    });
    expect(one(rec({ peer: undefined, iface: 'doublezero0', local_ip: '10.0.0.7', peer_ip: '10.0.0.8' }))).toMatchObject({
      interface: 'doublezero0',
      localIP: '10.0.0.7',
      peerIP: '10.0.0.8',
    });
    expect(one(rec({ peer: 'interface=doublezero0,localIP=10.0.0.9 , peerIP = 10.0.0.10' }))).toMatchObject({
      interface: 'doublezero0',
      localIP: '10.0.0.9',
      peerIP: '10.0.0.10',
    });
    const bad = one(rec({ peer: 'interface: doublezero0;rm, localIP: 10.0.0.1' }));
    expect(bad.interface).toBeUndefined();
    expect(bad.peerIP).toBeUndefined();
    expect(bad.peerFrom).toBeUndefined();
    expect(one(rec({ peer: 'interface: ' + 'd'.repeat(16) })).interface).toBeUndefined();
    expect(one(rec({ peer: 'interface: ' + 'd'.repeat(15) })).interface).toBe('d'.repeat(15));
  });

  it('reads the peer of a send warning without `peer` from its error, IPv4 or IPv6', () => {
    const warn = (error: string) => one(rec({ msg: SEND_FAILURE_MSG, level: 'WARN', peer: undefined, error }));
    expect(warn('write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable')).toMatchObject({
      peerIP: '216.238.110.55',
      interface: 'doublezero0',
      peerFrom: 'error-text',
    });
    expect(warn('write udp [::]:44880->[2001:db8::2]:44880: sendmsg: network is unreachable')).toMatchObject({ peerIP: '2001:db8::2', peerFrom: 'error-text' });
    expect(warn('write udp 0.0.0.0:44880->999.1.1.1:44880: x').peerIP).toBeUndefined();
    expect(warn('read udp 0.0.0.0:44880->1.1.1.1:44880: x').peerIP).toBeUndefined();
    expect(one(rec({ msg: SEND_FAILURE_MSG, level: 'WARN', peer: undefined, error: 5 })).peerIP).toBeUndefined();
    // with a peer field, the field wins
    expect(one(rec({ msg: SEND_FAILURE_MSG, error: 'write udp 0.0.0.0:44880->1.1.1.1:44880: x' })).peerIP).toBe('10.0.0.2');
  });

  it('reads the peer of `withdrawing route` from its route text', () => {
    const route = (text: unknown, extra: Record<string, unknown> = {}) =>
      one(rec({ msg: 'liveness: withdrawing route', peer: undefined, route: text, ...extra }));
    expect(route('table: 254, dst: 203.0.113.99/32, src: 209.245.225.161, nh: 169.254.0.2 protocol: bgp', { iface: 'doublezero1' })).toMatchObject({
      peerIP: '203.0.113.99',
      localIP: '209.245.225.161',
      interface: 'doublezero1',
      peerFrom: 'peer-field',
    });
    expect(route('dst: 2001:db8::9/128, src: 2001:db8::1')).toMatchObject({ peerIP: '2001:db8::9', localIP: '2001:db8::1', interface: 'doublezero0' });
    expect(route('table: 254, dst: 203.0.113.99/32, src: abcd, nh: x', { iface: 'bad iface' })).toMatchObject({
      peerIP: '203.0.113.99',
      interface: 'doublezero0',
    });
    expect(route('table: 254, dst: 203.0.113.99/32, src: abcd, nh: x').localIP).toBeUndefined();
    expect(route('table: 254, dst: 203.0.113.0/24, src: 209.245.225.161').peerIP).toBeUndefined();
    expect(route('table: 254, dst: 999.0.113.1/32, src: 209.245.225.161').peerIP).toBeUndefined();
    expect(route(42).peerIP).toBeUndefined();
    expect(one(rec({ msg: 'liveness: adding route', peer: undefined, route: 'dst: 203.0.113.99/32, src: 209.245.225.161' })).peerIP).toBeUndefined();
  });

  it('gives one key per record whatever carried it, and different keys to different records', () => {
    const a = one(rec());
    expect(one(`Nov 30 19:36:22 host doublezerod[1]: ${rec()}`).dedupeKey).toBe(a.dedupeKey);
    for (const over of [
      { level: 'WARN' },
      { msg: 'liveness: session down' },
      { peer: 'interface: doublezero1, localIP: 10.0.0.1, peerIP: 10.0.0.2' },
      { peer: 'interface: doublezero0, localIP: 10.0.0.3, peerIP: 10.0.0.2' },
      { peer: 'interface: doublezero0, localIP: 10.0.0.1, peerIP: 10.0.0.4' },
      { error: 'e' },
      { time: '2025-11-30T19:36:22.000000001Z' },
    ]) {
      expect(one(rec(over)).dedupeKey).not.toBe(a.dedupeKey);
    }
    const r = parseJournalDetailed([rec(), rec(), rec({ level: 'WARN' })].join('\n'));
    expect(r).toMatchObject({ duplicates: 1, skipped: 0 });
    expect(r.events).toHaveLength(2);
  });
});
