import { describe, expect, it } from 'vitest';
import { judgeVerification } from './verify';

const check = { kind: 'verdicts-cleared', verdicts: ['stale-session'] } as const;
const before = {
  collectedAt: '2026-11-26T05:00:00.000Z',
  verdicts: [
    { peer: '216.238.110.55', verdict: 'stale-session' },
    { peer: '10.0.0.9', verdict: 'healthy' },
  ],
};

describe('verification after the re-poll', () => {
  it('verified when the stale sessions are gone in a fresh poll', () => {
    const after = { collectedAt: '2026-11-26T05:00:10.000Z', verdicts: [{ peer: '216.238.110.55', verdict: 'healthy' }] };
    const v = judgeVerification({ check, before, after, exitCodes: [0], targetPeer: null });
    expect(v.verified).toBe(true);
  });

  it('not verified when the verdict remains', () => {
    const after = { collectedAt: '2026-11-26T05:00:10.000Z', verdicts: before.verdicts };
    expect(judgeVerification({ check, before, after, exitCodes: [0], targetPeer: null }).verified).toBe(false);
  });

  it('not verified without a fresh poll even if the old data looks fine', () => {
    const after = { collectedAt: before.collectedAt, verdicts: [] };
    expect(judgeVerification({ check, before, after, exitCodes: [0], targetPeer: null }).verified).toBe(false);
  });

  it('not verified when a command failed', () => {
    const after = { collectedAt: '2026-11-26T05:00:10.000Z', verdicts: [] };
    expect(judgeVerification({ check, before, after, exitCodes: [0, 1], targetPeer: null }).verified).toBe(false);
    expect(judgeVerification({ check: { kind: 'commands-succeeded' }, before, after, exitCodes: [null], targetPeer: null }).verified).toBe(false);
  });

  it('judges only the target peer when one is given', () => {
    const after = {
      collectedAt: '2026-11-26T05:00:10.000Z',
      verdicts: [
        { peer: '216.238.110.55', verdict: 'healthy' },
        { peer: '10.9.9.9', verdict: 'stale-session' },
      ],
    };
    expect(judgeVerification({ check, before, after, exitCodes: [0], targetPeer: '216.238.110.55' }).verified).toBe(true);
    expect(judgeVerification({ check, before, after, exitCodes: [0], targetPeer: '10.9.9.9' }).verified).toBe(false);
  });

  it('not verified when the node became undiagnosable', () => {
    const after = { collectedAt: '2026-11-26T05:00:10.000Z', verdicts: [{ peer: '216.238.110.55', verdict: 'unknown' }] };
    expect(judgeVerification({ check, before, after, exitCodes: [0], targetPeer: null }).verified).toBe(false);
  });
});
