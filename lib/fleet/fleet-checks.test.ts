import { describe, expect, it } from 'vitest';
import { buildFleetChecks } from './fleet-checks';
import type { NodeFacts } from '../node/node-facts';

const facts: NodeFacts = { link: 'up', daemonActive: 'active', dz0Addresses: ['169.254.0.3/31'], dz0Routes: 4 };
const freshPoll = { state: 'ok' as const, dataAgeMs: 2_000, pollAgeMs: 2_000, errorMessage: null };

describe('buildFleetChecks', () => {
  it('shows fresh good data as ok', () => {
    const c = buildFleetChecks({ poll: freshPoll, facts, warnings15m: 0, worstVerdict: 'healthy' });
    expect(Object.values(c).map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });
  it('never shows stale data as healthy or down: every data check turns unknown, keeping the last value', () => {
    const stalePoll = { state: 'stale' as const, dataAgeMs: 300_000, pollAgeMs: 300_000, errorMessage: null };
    const c = buildFleetChecks({ poll: stalePoll, facts: { ...facts, link: 'down' }, warnings15m: 0, worstVerdict: 'interface-down' });
    expect(c.poll.status).toBe('unknown');
    expect(c.link).toMatchObject({ status: 'unknown', label: 'down' });
    expect(c.link.detail).toContain('last known (5m 0s old)');
    expect(c.daemon.status).toBe('unknown');
    expect(c.verdict.status).toBe('unknown');
  });
  it('fails the link check when doublezero0 is down or missing', () => {
    expect(buildFleetChecks({ poll: freshPoll, facts: { ...facts, link: 'down' }, warnings15m: 0, worstVerdict: null }).link.status).toBe('fail');
    const missing = buildFleetChecks({ poll: freshPoll, facts: { ...facts, link: 'missing', dz0Addresses: [] }, warnings15m: 0, worstVerdict: null });
    expect(missing.link.status).toBe('fail');
    expect(missing.addresses.status).toBe('fail');
  });
  it('rates warnings per minute over 15 minutes', () => {
    const few = buildFleetChecks({ poll: freshPoll, facts, warnings15m: 3, worstVerdict: null }).warnings;
    expect(few).toMatchObject({ status: 'warn', label: '0.2' });
    const seed = buildFleetChecks({ poll: freshPoll, facts, warnings15m: 180, worstVerdict: null }).warnings;
    expect(seed).toMatchObject({ status: 'fail', label: '12.0' });
  });
  it('marks a failing poll red and shows its error', () => {
    const c = buildFleetChecks({
      poll: { state: 'error', dataAgeMs: 60_000, pollAgeMs: 1_000, errorMessage: 'ssh: timed out' },
      facts,
      warnings15m: 0,
      worstVerdict: null,
    });
    expect(c.poll).toMatchObject({ status: 'fail', detail: 'ssh: timed out' });
  });
  it('is unknown everywhere when nothing was collected yet, warnings included', () => {
    const c = buildFleetChecks({
      poll: { state: 'pending', dataAgeMs: null, pollAgeMs: null, errorMessage: null },
      facts: null,
      warnings15m: 0,
      worstVerdict: null,
    });
    expect([c.poll, c.daemon, c.link, c.addresses, c.routes, c.warnings, c.verdict].every((x) => x.status === 'unknown')).toBe(true);
  });
  it('never shows "no warnings" as healthy for a node it cannot read, but keeps the warnings it stored', () => {
    const failing = { state: 'error' as const, dataAgeMs: 60_000, pollAgeMs: 1_000, errorMessage: 'connect refused' };
    expect(buildFleetChecks({ poll: failing, facts, warnings15m: 0, worstVerdict: null }).warnings.status).toBe('unknown');
    expect(buildFleetChecks({ poll: failing, facts, warnings15m: 180, worstVerdict: null }).warnings).toMatchObject({ status: 'fail', label: '12.0' });
  });
  it('shows a fault verdict as fail and a stale-session verdict by name', () => {
    expect(buildFleetChecks({ poll: freshPoll, facts, warnings15m: 0, worstVerdict: 'stale-session' }).verdict).toMatchObject({
      status: 'fail',
      label: 'stale-session',
    });
  });
});

describe('buildFleetChecks when pinned to a past moment', () => {
  it('says the poll column is history, and unknown when nothing was recorded by then', () => {
    const poll = { state: 'ok' as const, dataAgeMs: 0, pollAgeMs: null, errorMessage: null };
    expect(buildFleetChecks({ poll, pinnedStateSince: '2025-11-30T19:30:00.000Z', facts, warnings15m: 0, worstVerdict: 'healthy' }).poll).toMatchObject({
      status: 'ok',
      label: 'history',
    });
    expect(buildFleetChecks({ poll, pinnedStateSince: null, facts: null, warnings15m: 0, worstVerdict: null }).poll.status).toBe('unknown');
  });
});
