import { describe, expect, it } from 'vitest';
import { actionsForVerdict } from '@/lib/remediation/catalog';
import { verdicts } from '@/lib/diagnosis/types';
import { knownIssuesFor } from '@/lib/known-issues';
import type { FleetRow } from '../fleet/fleet';
import { buildFleetChecks } from '../fleet/fleet-checks';
import type { NodeFindingRow, PeerVerdictRow } from './node';
import { cellAnswer, fittingAction, nodeAnswer, remediationQuery, remedyForVerdict, type NodeAnswerInput } from './node-answer';
import type { Verdict } from '../diagnosis/verdict-schema';

const since = '2026-12-01T11:40:00.000Z';

function summary(worstVerdict: Verdict | null, extra: Partial<FleetRow> = {}): FleetRow {
  const poll = { state: 'ok' as const, dataAgeMs: 1_000, pollAgeMs: 1_000, errorMessage: null };
  return {
    name: 'dfw-mn-bm1',
    site: 'dfw',
    tags: [],
    poll: { state: 'ok', lastPollAt: null, lastSuccessAt: null, dataAgeMs: 1_000, pollMs: 10, error: null },
    collectedAt: null,
    link: 'up',
    warnings15m: 179,
    worstVerdict,
    worstSince: worstVerdict && worstVerdict !== 'healthy' ? since : null,
    checks: buildFleetChecks({ poll, facts: null, warnings15m: 179, worstVerdict }),
    ...extra,
  };
}

function peer(p: string, verdict: Verdict, extra: Partial<PeerVerdictRow> = {}): PeerVerdictRow {
  return {
    peer: p,
    interface: 'doublezero0',
    localIP: '209.245.225.161',
    verdict,
    warnings: 4,
    lastWarningAt: null,
    since,
    evidence: [`first line about ${p}`, `second line about ${p}`],
    details: {},
    ...extra,
  };
}

const staleFinding: NodeFindingRow = {
  kind: 'stale-local-ip',
  verdict: 'stale-session',
  interface: 'doublezero0',
  localIP: '209.245.225.161',
  summary: 'local IP 209.245.225.161 is not assigned to doublezero0; 45 session(s) failing',
  evidence: ['209.245.225.161 is on no interface of the node', 'doublezero_liveness_sessions = 45', 'write errors = 64797'],
};

const input = (over: Partial<NodeAnswerInput>): NodeAnswerInput => ({
  summary: summary('healthy'),
  peers: [],
  findings: [],
  knownIssues: [],
  nodeUnknown: null,
  missing: null,
  ...over,
});

describe('nodeAnswer: what is wrong, since when, why, what to do', () => {
  it('the seed node: the stale local IP finding, its first two evidence lines, restart now and upgrade for good', () => {
    const a = nodeAnswer(
      input({
        summary: summary('stale-session'),
        peers: [peer('185.189.45.80', 'stale-session'), peer('198.18.0.10', 'stale-session'), peer('198.18.0.18', 'no-route'), peer('198.18.0.26', 'healthy')],
        findings: [staleFinding],
        knownIssues: knownIssuesFor({ version: '0.8.0', findings: ['stale-local-ip'] }),
      }),
    );
    expect(a).toMatchObject({
      verdict: 'stale-session',
      since,
      headline: staleFinding.summary,
      evidence: staleFinding.evidence.slice(0, 2),
      action: { id: 'restart-doublezerod', title: 'Restart doublezerod', verdict: 'stale-session', peer: null },
      durableFix: { issueId: 'doublezero-2320', text: 'upgrade the doublezero client to v0.8.1 or later', fixedIn: 'v0.8.1' },
      alsoFailing: [{ verdict: 'no-route', peers: 1 }],
      advice: null,
    });
  });

  it('one peer without a route: names the peer, its evidence with the structured proof, and the verdict’s remedy for that peer', () => {
    const a = nodeAnswer(
      input({
        summary: summary('no-route'),
        peers: [
          peer('10.0.0.9', 'no-route', {
            details: { warnings: { count: 3, windowStart: '', windowEnd: '', lastAt: '2026-12-01T11:59:00Z', lastError: 'sendmsg: network is unreachable' } },
          }),
        ],
      }),
    );
    expect(a.headline).toBe('no-route to 10.0.0.9 (doublezero0 from 209.245.225.161)');
    expect(a.evidence).toEqual(['first line about 10.0.0.9', 'last send error 2026-12-01T11:59:00Z: sendmsg: network is unreachable']);
    expect(a.action).toEqual({ id: 'reconnect-daemon', title: 'Reconnect the daemon', verdict: 'no-route', peer: '10.0.0.9' });
  });

  it('many peers: counts them and lists the first three', () => {
    const a = nodeAnswer(input({ summary: summary('interface-down'), peers: ['a', 'b', 'c', 'd'].map((p) => peer(p, 'interface-down')) }));
    expect(a.headline).toBe('interface-down to 4 peers: a, b, c, …');
    expect(a.action).toMatchObject({ id: 'interface-up', peer: null });
  });

  it('firewall-blocked has no catalog action: the rule is the evidence and the advice says what to change', () => {
    const a = nodeAnswer(
      input({
        summary: summary('firewall-blocked'),
        peers: [
          peer('10.0.0.9', 'firewall-blocked', {
            details: { firewall: { known: true, verdict: 'drop', rule: { chain: 'output', text: 'udp dport 44880 drop' } } },
          }),
        ],
      }),
    );
    expect(a.evidence).toEqual(['first line about 10.0.0.9', 'nft output: udp dport 44880 drop']);
    expect(a.action).toBeNull();
    expect(a.advice).toMatch(/output rule/);
  });

  it('a node without fresh data: the reason and the poll error, no action, and what to check', () => {
    const a = nodeAnswer(
      input({
        summary: summary('unknown', {
          worstSince: null,
          poll: {
            state: 'error',
            lastPollAt: null,
            lastSuccessAt: null,
            dataAgeMs: null,
            pollMs: null,
            error: { kind: 'connect-refused', message: 'connect ECONNREFUSED 127.0.0.1:22' },
          },
        }),
        nodeUnknown: 'poll failing: connect ECONNREFUSED',
      }),
    );
    expect(a).toMatchObject({
      verdict: 'unknown',
      headline: 'poll failing: connect ECONNREFUSED',
      evidence: ['last poll failed (connect-refused): connect ECONNREFUSED 127.0.0.1:22'],
      action: null,
    });
    expect(a.advice).toMatch(/SSH/);
    // never polled successfully: there is no diagnosis, and the page says why
    expect(nodeAnswer(input({ summary: summary('unknown', { worstSince: null }), missing: 'nothing collected from this node yet' })).headline).toBe(
      'nothing collected from this node yet',
    );
  });

  it('recovering is not a fault: no action, and the advice says it clears by itself', () => {
    const a = nodeAnswer(input({ summary: summary('recovering'), peers: [peer('a', 'recovering'), peer('b', 'recovering')] }));
    expect(a.headline).toBe('Recovering: the cause is gone; 2 peers still have warnings in the 15-minute window.');
    expect(a.action).toBeNull();
    expect(a.advice).toMatch(/by themselves/);
  });

  it('healthy and no-peer nodes say so, with nothing to do', () => {
    expect(nodeAnswer(input({ peers: [peer('a', 'healthy')] }))).toMatchObject({
      verdict: 'healthy',
      headline: 'All 1 liveness peers are healthy.',
      action: null,
      advice: null,
    });
    expect(nodeAnswer(input({ summary: summary(null) }))).toMatchObject({ verdict: null, action: null });
  });
});

describe('cellAnswer: one node × peer pair', () => {
  const ctx = {
    node: 'dfw-mn-bm1',
    peer: '185.189.45.80',
    findings: [staleFinding],
    knownIssues: knownIssuesFor({ version: '0.8.0', findings: ['stale-local-ip'] }),
    nodeUnknown: null,
  };

  it('a stale session of the stale local IP: the finding, the peer’s proof, the restart for that peer', () => {
    const v = peer('185.189.45.80', 'stale-session', { details: { missingAddress: '209.245.225.161', interfaceAddresses: ['169.254.0.1/31'] } });
    expect(cellAnswer(v, ctx)).toMatchObject({
      verdict: 'stale-session',
      since,
      headline: staleFinding.summary,
      evidence: ['first line about 185.189.45.80', 'missing 209.245.225.161; on doublezero0: 169.254.0.1/31'],
      action: { id: 'restart-doublezerod', peer: '185.189.45.80', verdict: 'stale-session' },
      durableFix: { issueId: 'doublezero-2320' },
    });
  });

  it('a session from another local IP is not explained by that finding', () => {
    const v = peer('185.189.45.80', 'stale-session', { localIP: '198.18.0.2' });
    const a = cellAnswer(v, ctx);
    expect(a.headline).toBe('first line about 185.189.45.80');
    expect(a.evidence).toEqual(['second line about 185.189.45.80']);
    expect(a.durableFix).toBeNull();
  });

  it('no session at this moment', () => {
    expect(cellAnswer(null, ctx)).toMatchObject({
      verdict: null,
      headline: 'No liveness session from dfw-mn-bm1 to 185.189.45.80 at this moment.',
      action: null,
    });
  });
});

describe('fitting actions', () => {
  it('each verdict’s remedy is a catalog action that fits that verdict', () => {
    for (const v of verdicts) {
      const id = remedyForVerdict[v];
      if (id) expect(actionsForVerdict(v).map((a) => a.id)).toContain(id);
    }
    expect(fittingAction('healthy')).toBeNull();
  });

  it('the remediation link carries node, verdict, action, peer and alert', () => {
    const q = new URLSearchParams(remediationQuery('n1', { id: 'reconnect-daemon', title: 'x', verdict: 'no-route', peer: '10.0.0.9' }, 'https://am/alert'));
    expect(Object.fromEntries(q)).toEqual({ node: 'n1', verdict: 'no-route', action: 'reconnect-daemon', peer: '10.0.0.9', alert: 'https://am/alert' });
  });
});
