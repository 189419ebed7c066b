import { describe, expect, it } from 'vitest';
import { batchFinished, type BatchView } from './response-schemas';
import { auditOutputCapBytes, capResult, capText } from './output';
import type { NodeEvidence } from './ports';
import { judgeVerification, type VerificationInput } from './verify';

// Whether an action worked, told from the evidence of the re-poll; and the output a node sends back,
// capped before anyone stores or shows it.

const t0 = '2026-11-26T05:00:00.000Z';
const t1 = '2026-11-26T05:00:10.000Z';
const ev = (collectedAt: string | null, verdicts: [string, string][]): NodeEvidence => ({
  collectedAt,
  verdicts: verdicts.map(([peer, verdict]) => ({ peer, verdict })),
});
const stale = { kind: 'verdicts-cleared', verdicts: ['stale-session', 'no-route'] } as const;
const judge = (over: Partial<VerificationInput>) =>
  judgeVerification({ check: stale, before: ev(t0, []), after: ev(t1, []), exitCodes: [0], targetPeer: null, ...over });

describe('judgeVerification', () => {
  it.each<[string, Partial<VerificationInput>, boolean, string]>([
    ['a failed command, whatever the evidence', { exitCodes: [0, 2, null] }, false, 'a command failed (exit codes 0, 2, null)'],
    ['a killed command', { exitCodes: [null] }, false, 'a command failed (exit codes null)'],
    ['a read-only action whose commands all exited 0', { check: { kind: 'commands-succeeded' }, exitCodes: [0, 0, 0] }, true, 'all 3 commands exited 0'],
    ['no poll since the action', { after: ev(t0, []) }, false, 'no fresh poll after the action: cannot tell whether it worked'],
    ['a poll older than the one before', { after: ev('2026-11-26T04:59:00.000Z', []) }, false, 'no fresh poll after the action: cannot tell whether it worked'],
    ['a node never polled after', { after: ev(null, []) }, false, 'no fresh poll after the action: cannot tell whether it worked'],
    [
      'a node never polled before, polled after',
      { before: ev(null, []), after: ev(t1, [['p', 'healthy']]) },
      true,
      'no stale-session/no-route on the node before or after',
    ],
    ['an undiagnosable node after', { after: ev(t1, [['p', 'unknown']]) }, false, 'the node could not be diagnosed after the action'],
    [
      'the verdicts gone',
      {
        before: ev(t0, [
          ['p1', 'stale-session'],
          ['p2', 'no-route'],
          ['p3', 'healthy'],
        ]),
        after: ev(t1, [
          ['p1', 'healthy'],
          ['p2', 'recovering'],
        ]),
      },
      true,
      '2 peer(s) with stale-session/no-route on the node before, none after',
    ],
    [
      'a verdict still there',
      { before: ev(t0, [['p1', 'stale-session']]), after: ev(t1, [['p1', 'no-route']]) },
      false,
      'still 1 peer(s) with stale-session/no-route on the node (p1: no-route)',
    ],
    [
      'many verdicts still there, five named',
      {
        after: ev(t1, [
          ['a', 'no-route'],
          ['b', 'no-route'],
          ['c', 'no-route'],
          ['d', 'no-route'],
          ['e', 'no-route'],
          ['f', 'no-route'],
        ]),
      },
      false,
      'still 6 peer(s) with stale-session/no-route on the node (a: no-route, b: no-route, c: no-route, d: no-route, e: no-route)',
    ],
    [
      'the target peer cleared, another still stale',
      {
        targetPeer: 'p1',
        before: ev(t0, [['p1', 'stale-session']]),
        after: ev(t1, [
          ['p1', 'healthy'],
          ['p2', 'stale-session'],
          ['p3', 'unknown'],
        ]),
      },
      true,
      '1 peer(s) with stale-session/no-route on peer p1 before, none after',
    ],
    [
      'the target peer still stale',
      {
        targetPeer: 'p2',
        after: ev(t1, [
          ['p1', 'healthy'],
          ['p2', 'stale-session'],
        ]),
      },
      false,
      'still 1 peer(s) with stale-session/no-route on peer p2 (p2: stale-session)',
    ],
    [
      'the target peer fine before and after',
      { targetPeer: 'p1', before: ev(t0, [['p2', 'stale-session']]), after: ev(t1, [['p2', 'stale-session']]) },
      true,
      'no stale-session/no-route on peer p1 before or after',
    ],
  ])('%s', (_name, input, verified, summary) => {
    expect(judge(input)).toEqual({ verified, summary });
  });
});

describe('capText and capResult', () => {
  it('keeps text up to the cap, and cuts one byte over it', () => {
    expect(capText('abcd', 4)).toEqual({ text: 'abcd', truncated: false });
    expect(capText('abcde', 4)).toEqual({ text: 'abcd', truncated: true });
  });

  it('never splits a character, counting bytes not characters', () => {
    // "é" is two bytes: a cut inside it drops it whole
    expect(capText('aé', 2)).toEqual({ text: 'a', truncated: true });
    expect(capText('aé', 3)).toEqual({ text: 'aé', truncated: false });
    expect(capText('€€', 4)).toEqual({ text: '€', truncated: true });
  });

  it('replaces every NUL', () => {
    expect(capText('a\u0000b\u0000', 100).text).toBe('a\uFFFDb\uFFFD');
  });

  it('caps stdout and stderr apart, and flags any cut', () => {
    const r = { exitCode: 0, stdout: 'x'.repeat(10), stderr: 'ok', truncated: false, timedOut: false };
    expect(capResult('cmd', r, 5)).toEqual({ command: 'cmd', exitCode: 0, stdout: 'xxxxx', stderr: 'ok', truncated: true, timedOut: false });
    expect(capResult('cmd', { ...r, stdout: 'ok', stderr: 'y'.repeat(9) }, 5)).toMatchObject({ stderr: 'yyyyy', truncated: true });
    expect(capResult('cmd', { ...r, stdout: 'ok', truncated: true, timedOut: true }, 5)).toMatchObject({ truncated: true, timedOut: true, exitCode: 0 });
    expect(capResult('cmd', { ...r, stdout: 'ok' }, 5)).toMatchObject({ truncated: false });
    expect(capResult('cmd', { ...r, stdout: 'z'.repeat(auditOutputCapBytes + 1) }).stdout).toHaveLength(32 * 1024);
  });

  it('keeps an error without output, capped at 2 KiB', () => {
    expect(capResult('cmd', { error: 'e'.repeat(3000) })).toEqual({
      command: 'cmd',
      exitCode: null,
      stdout: '',
      stderr: '',
      truncated: false,
      timedOut: false,
      error: 'e'.repeat(2048),
    });
  });
});

describe('batchFinished', () => {
  const view = (state: BatchView['batch']['state'], runs: BatchView['runs'][number]['state'][]): BatchView =>
    ({ batch: { state }, runs: runs.map((s) => ({ state: s })) }) as unknown as BatchView;
  it.each<[BatchView['batch']['state'], BatchView['runs'][number]['state'][], boolean]>([
    ['rejected', ['pending'], true],
    ['done', ['verified', 'not-verified', 'failed', 'conflict', 'skipped', 'outcome-unknown', 'rejected'], true],
    ['done', ['verified', 'running'], false],
    ['done', ['pending'], false],
    ['running', ['verified'], false],
    ['awaiting-approval', [], false],
    ['done', [], true],
  ])('a %s batch with runs %j is finished: %s', (state, runs, finished) => {
    expect(batchFinished(view(state, runs))).toBe(finished);
  });
});
