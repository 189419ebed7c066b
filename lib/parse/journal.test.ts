import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJournal, parseJournalDetailed } from './journal';

// The exact line of the seed report (DESIGN.md).
const SEED_LINE =
  'Nov 30 19:36:22 dfw-mn-bm1 doublezerod[1027617]: {"time":"2025-11-30T19:36:22.662807168Z","level":"WARN","msg":"liveness.scheduler: error writing UDP packet","error":"write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable","peer":"interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55"}';
const SEED_JSON = SEED_LINE.slice(SEED_LINE.indexOf('{'));

function journaldLine(message: string | number[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    __CURSOR: 's=abc;i=1',
    __REALTIME_TIMESTAMP: '1764531382662807',
    _SYSTEMD_UNIT: 'doublezerod.service',
    SYSLOG_IDENTIFIER: 'doublezerod',
    _PID: '1027617',
    PRIORITY: '4',
    MESSAGE: message,
    ...extra,
  });
}

describe('parseJournal', () => {
  it('reads the seed line with all its fields', () => {
    const [event, ...rest] = parseJournal(SEED_LINE);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      at: '2025-11-30T19:36:22.662Z',
      level: 'WARN',
      msg: 'liveness.scheduler: error writing UDP packet',
      interface: 'doublezero0',
      localIP: '209.245.225.161',
      peerIP: '216.238.110.55',
      error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable',
      raw: SEED_LINE,
    });
    expect(event?.dedupeKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads the same record identically from all three forms, with the same dedupe key', () => {
    const bytes = Array.from(new TextEncoder().encode(SEED_JSON));
    const forms = [SEED_LINE, journaldLine(SEED_JSON), journaldLine(bytes), SEED_JSON];
    const events = forms.map((f) => parseJournal(f));
    for (const list of events) expect(list).toHaveLength(1);
    const keys = new Set(events.map((list) => list[0]!.dedupeKey));
    expect(keys.size).toBe(1);
    for (const list of events) {
      // the carrier's PID is the syslog prefix's and journald's own field, absent from bare JSON
      const { raw: _raw, pid: _pid, ...rest } = list[0]!;
      const { raw: _seedRaw, pid: _seedPid, ...seed } = events[0]![0]!;
      expect(rest).toEqual(seed);
    }
    expect(events[0]![0]!.pid).toBe(1027617);
  });

  it('reads the PID of the writing process (a new PID is a new daemon) and systemd start lines', () => {
    const started = JSON.stringify({
      MESSAGE: 'Started doublezerod.service - DoubleZero client.',
      SYSLOG_IDENTIFIER: 'systemd',
      _PID: '1',
      __REALTIME_TIMESTAMP: '1764531000000000',
    });
    const [start] = parseJournal(started);
    expect(start).toMatchObject({ msg: 'systemd: daemon started', at: '2025-11-30T19:30:00.000Z' });
    expect(start?.pid).toBeUndefined();
    const journald = JSON.stringify({ MESSAGE: SEED_JSON, _PID: '4242', SYSLOG_IDENTIFIER: 'doublezerod', __REALTIME_TIMESTAMP: '1764531382662807' });
    expect(parseJournal(journald)[0]?.pid).toBe(4242);
    expect(parseJournal('Nov 30 19:30:00 dfw-mn-bm1 systemd[1]: Stopped doublezerod.service - DoubleZero client.')[0]?.msg).toBe('systemd: daemon stopped');
    expect(parseJournal('Nov 30 19:30:00 dfw-mn-bm1 systemd[1]: Reloading.')).toEqual([]);
    // `-o cat` prints systemd's line bare and undated: nothing to read, but not garbage either
    expect(parseJournalDetailed('Started doublezerod.service - DoubleZero client.')).toMatchObject({ events: [], skipped: 0 });
  });

  it('reads the peer from the error text of a v0.7.0 send warning, which has no `peer` field', () => {
    const old = JSON.stringify({
      time: '2025-11-30T19:36:22.662807168Z',
      level: 'WARN',
      msg: 'liveness.scheduler: error writing UDP packet',
      error: 'write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable',
    });
    expect(parseJournal(old)[0]).toMatchObject({ peerIP: '216.238.110.55', interface: 'doublezero0', peerFrom: 'error-text' });
    expect(parseJournal(old)[0]?.localIP).toBeUndefined();
    expect(parseJournal(SEED_JSON)[0]?.peerFrom).toBe('peer-field');
    // another message with the same error shape is not a send failure
    expect(parseJournal(old.replace('liveness.scheduler: error writing UDP packet', 'liveness.recv: non-timeout read error'))[0]?.peerIP).toBeUndefined();
  });

  it('reads `journalctl -o short-iso` prefixes too', () => {
    const iso = `2025-11-30T19:36:22+0000 dfw-mn-bm1 doublezerod[1027617]: ${SEED_JSON}`;
    const [event] = parseJournal(iso);
    expect(event).toMatchObject({ at: '2025-11-30T19:36:22.662Z', peerIP: '216.238.110.55' });
    const noTime = `2025-11-30T19:36:22.500000+00:00 dfw-mn-bm1 doublezerod[1027617]: ${JSON.stringify({ level: 'INFO', msg: 'liveness: session up', peer: 'interface: doublezero0, localIP: 10.0.0.1, peerIP: 10.0.0.2' })}`;
    expect(parseJournal(noTime)[0]?.at).toBe('2025-11-30T19:36:22.500Z');
  });

  it('drops a record repeated by overlapping reads, in any form', () => {
    const result = parseJournalDetailed([SEED_LINE, journaldLine(SEED_JSON), SEED_JSON].join('\n'));
    expect(result.events).toHaveLength(1);
    expect(result.duplicates).toBe(2);
  });

  it('gives different keys to two warnings of the same peer 5 s apart', () => {
    const later = SEED_JSON.replace('19:36:22.662807168Z', '19:36:27.662907001Z');
    const events = parseJournal(`${SEED_JSON}\n${later}\n`);
    expect(events.map((e) => e.at)).toEqual(['2025-11-30T19:36:22.662Z', '2025-11-30T19:36:27.662Z']);
    expect(events[0]!.dedupeKey).not.toBe(events[1]!.dedupeKey);
  });

  it('skips and counts garbage lines without losing the good ones', () => {
    const text = ['garbage \u0000\u0001 line', '{"truncated": ', SEED_JSON, '[1,2,3]', '{"no":"msg field"}', '-- No entries --', ''].join('\n');
    const result = parseJournalDetailed(text);
    expect(result.events).toHaveLength(1);
    expect(result.skipped).toBe(4);
    expect(result.issues.map((i) => i.at)).toEqual([1, 2, 4, 5]);
  });

  it('keeps other liveness messages (any level) and counts non-liveness records apart', () => {
    const up = JSON.stringify({
      time: '2025-11-30T19:30:00Z',
      level: 'INFO',
      msg: 'liveness: session up',
      peer: 'interface: doublezero0, localIP: 10.0.0.1, peerIP: 10.0.0.2',
      extra_field: { nested: true },
    });
    const bgp = JSON.stringify({ time: '2025-11-30T19:30:01Z', level: 'INFO', msg: 'bgp: established' });
    const banner = 'Nov 30 19:29:59 dfw-mn-bm1 doublezerod[1027617]: starting doublezerod v0.6.0';
    const result = parseJournalDetailed(`${up}\n${bgp}\n${banner}`);
    expect(result.events).toHaveLength(1);
    expect(result.events[0]).toMatchObject({ level: 'INFO', msg: 'liveness: session up', peerIP: '10.0.0.2' });
    expect(result.events[0]!.fields.extra_field).toEqual({ nested: true });
    expect(result.otherRecords).toBe(1);
    expect(result.skipped).toBe(0);
  });

  it('falls back to the carrier time when the record has none, and rejects records without any time', () => {
    const noTime = JSON.stringify({ level: 'WARN', msg: 'liveness.recv: non-timeout read error' });
    expect(parseJournal(journaldLine(noTime))[0]?.at).toBe('2025-11-30T19:36:22.662Z');
    expect(parseJournalDetailed(noTime).skipped).toBe(1);
  });

  it('ignores a peer string whose addresses are not IPs', () => {
    const bad = JSON.stringify({
      time: '2025-11-30T19:30:00Z',
      level: 'WARN',
      msg: 'liveness: x',
      peer: 'interface: doublezero0, localIP: $(reboot), peerIP: 1.2.3',
    });
    const [event] = parseJournal(bad);
    expect(event?.interface).toBe('doublezero0');
    expect(event?.localIP).toBeUndefined();
    expect(event?.peerIP).toBeUndefined();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.json(), fc.constant(SEED_LINE))), (lines) => {
        const result = parseJournalDetailed(lines.join('\n'));
        expect(Array.isArray(result.events)).toBe(true);
      }),
    );
  });
});
