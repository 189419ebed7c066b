import { describe, expect, it } from 'vitest';
import { verdicts } from '../diagnosis/types';
import { renderExposition } from './exposition';
import { buildVerdictFamilies, currentNodeVerdict } from './verdict-series';

const lines = (s: Parameters<typeof buildVerdictFamilies>[0]) => renderExposition(buildVerdictFamilies(s)).trimEnd().split('\n');

describe('buildVerdictFamilies', () => {
  it('gives every node one series per verdict of the diagnosis, 1 for its current verdict and 0 for the others', () => {
    const out = lines({ nodes: [{ node: 'dfw-mn-bm1', verdict: 'stale-session' }], peers: [], peersOmitted: 0, peerSeriesCap: 100 });
    const nodeLines = out.filter((l) => l.startsWith('fnh_node_verdict{'));
    // Iterates the exported list: a verdict added to the diagnosis appears here without a change.
    expect(nodeLines).toHaveLength(verdicts.length);
    for (const v of verdicts) expect(out).toContain(`fnh_node_verdict{node="dfw-mn-bm1",verdict="${v}"} ${v === 'stale-session' ? 1 : 0}`);
  });

  it('gives a node without any liveness peer all zeros, and keeps a verdict the list does not know yet', () => {
    const out = lines({
      nodes: [
        { node: 'a', verdict: null },
        { node: 'b', verdict: 'from-a-newer-agent' },
      ],
      peers: [],
      peersOmitted: 0,
      peerSeriesCap: 100,
    });
    expect(out.filter((l) => l.startsWith('fnh_node_verdict{node="a"')).every((l) => l.endsWith(' 0'))).toBe(true);
    expect(out).toContain('fnh_node_verdict{node="b",verdict="from-a-newer-agent"} 1');
  });

  it('gives one series per non-healthy cell with its verdict, and says how many cells the cap left out', () => {
    const out = lines({
      nodes: [],
      peers: [{ node: 'dfw-mn-bm1', peer: '216.238.110.55', verdict: 'stale-session' }],
      peersOmitted: 3,
      peerSeriesCap: 1,
    });
    expect(out).toContain('fnh_peer_verdict{node="dfw-mn-bm1",peer="216.238.110.55",verdict="stale-session"} 1');
    expect(out).toContain('fnh_peer_verdict_series_omitted 3');
    expect(out).toContain('fnh_peer_verdict_series_cap 1');
  });

  it('escapes hostile node names so they cannot forge a series', () => {
    const out = lines({ nodes: [], peers: [{ node: 'x"} 1\nfnh_fake{a="', peer: 'p', verdict: 'no-route' }], peersOmitted: 0, peerSeriesCap: 10 });
    expect(out.some((l) => l.startsWith('fnh_fake'))).toBe(false);
  });
});

describe('currentNodeVerdict', () => {
  it('is unknown when the poll is not fresh or the state cannot be diagnosed, else the stored worst verdict', () => {
    expect(currentNodeVerdict({ fresh: false, nodeUnknown: null, worst: 'healthy' })).toBe('unknown');
    expect(currentNodeVerdict({ fresh: true, nodeUnknown: 'sections missing', worst: 'healthy' })).toBe('unknown');
    expect(currentNodeVerdict({ fresh: true, nodeUnknown: null, worst: 'stale-session' })).toBe('stale-session');
    expect(currentNodeVerdict({ fresh: true, nodeUnknown: null, worst: null })).toBeNull();
  });
});
