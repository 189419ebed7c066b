import { describe, expect, it } from 'vitest';
import { remediationRequestSchema } from './request';

const base = { action: 'restart-doublezerod', nodes: ['dfw-mn-bm1'], reason: 'stale sessions after reconnect', idempotencyKey: 'k-12345678' };

describe('remediation request body', () => {
  it('accepts a normal request and fills defaults', () => {
    expect(remediationRequestSchema.parse(base)).toMatchObject({ params: {}, alertUrl: null, targetPeer: null });
  });
  it('refuses unknown actions, odd node names, duplicate nodes and empty reasons', () => {
    expect(remediationRequestSchema.safeParse({ ...base, action: 'shell' }).success).toBe(false);
    expect(remediationRequestSchema.safeParse({ ...base, nodes: ['dfw;reboot'] }).success).toBe(false);
    expect(remediationRequestSchema.safeParse({ ...base, nodes: ['a', 'a'] }).success).toBe(false);
    expect(remediationRequestSchema.safeParse({ ...base, reason: '  ' }).success).toBe(false);
  });
  it('alert links must be http(s)', () => {
    expect(remediationRequestSchema.safeParse({ ...base, alertUrl: 'javascript:alert(1)' }).success).toBe(false);
    expect(remediationRequestSchema.parse({ ...base, alertUrl: 'https://alerts.example/a/1' }).alertUrl).toBe('https://alerts.example/a/1');
  });
  it('idempotency keys are short opaque tokens', () => {
    expect(remediationRequestSchema.safeParse({ ...base, idempotencyKey: 'x' }).success).toBe(false);
    expect(remediationRequestSchema.safeParse({ ...base, idempotencyKey: "k'; drop table" }).success).toBe(false);
  });
});
