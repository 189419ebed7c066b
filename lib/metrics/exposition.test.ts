import { describe, expect, it } from 'vitest';
import { escapeLabelValue, formatValue, histogramSamples, renderExposition } from './exposition';
import { bucketForPoll, cumulativeBuckets, POLL_BUCKET_OVERFLOW } from './poll-buckets';

describe('renderExposition', () => {
  it('renders HELP, TYPE and one line per sample', () => {
    const text = renderExposition([
      {
        name: 'fnh_polls_total',
        help: 'Polls stored, by result.',
        type: 'counter',
        samples: [
          { labels: { result: 'ok' }, value: 12 },
          { labels: { result: 'error' }, value: 0 },
        ],
      },
      { name: 'fnh_agents_live', help: 'Agents with a live heartbeat.', type: 'gauge', samples: [{ value: 2 }] },
    ]);
    expect(text).toBe(
      [
        '# HELP fnh_polls_total Polls stored, by result.',
        '# TYPE fnh_polls_total counter',
        'fnh_polls_total{result="ok"} 12',
        'fnh_polls_total{result="error"} 0',
        '# HELP fnh_agents_live Agents with a live heartbeat.',
        '# TYPE fnh_agents_live gauge',
        'fnh_agents_live 2',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash, double quote and newline in label values so a hostile node name cannot forge a sample', () => {
    const node = 'evil"} 999\nfnh_fake{x="\\';
    const text = renderExposition([{ name: 'fnh_node_up', help: 'x', type: 'gauge', samples: [{ labels: { node }, value: 1 }] }]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('fnh_node_up{node="evil\\"} 999\\nfnh_fake{x=\\"\\\\"} 1');
  });

  it('escapes backslash and newline in HELP text', () => {
    expect(renderExposition([{ name: 'a', help: 'line1\nback\\slash', type: 'gauge', samples: [] }])).toBe('# HELP a line1\\nback\\\\slash\n# TYPE a gauge\n');
  });

  it('refuses invalid metric and label names and duplicate families', () => {
    expect(() => renderExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(/metric name/);
    expect(() => renderExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow(/label name/);
    expect(() => renderExposition([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { __reserved: 'x' }, value: 1 }] }])).toThrow(/label name/);
    const f = { name: 'dup', help: '', type: 'gauge' as const, samples: [] };
    expect(() => renderExposition([f, f])).toThrow(/twice/);
  });

  it('formats special values as Prometheus does', () => {
    expect([NaN, Infinity, -Infinity, 0.25, 3].map(formatValue)).toEqual(['NaN', '+Inf', '-Inf', '0.25', '3']);
    expect(escapeLabelValue('plain')).toBe('plain');
  });

  it('renders an empty list as an empty body', () => {
    expect(renderExposition([])).toBe('');
  });
});

describe('histogramSamples', () => {
  it('adds the +Inf bucket equal to the count, then _sum and _count, buckets ascending', () => {
    const samples = histogramSamples({
      buckets: [
        { le: 1, count: 3 },
        { le: 0.5, count: 2 },
      ],
      sum: 4.5,
      count: 5,
      labels: { job: 'x' },
    });
    const text = renderExposition([{ name: 'h_seconds', help: 'h', type: 'histogram', samples }]);
    expect(text.split('\n').slice(2, -1)).toEqual([
      'h_seconds_bucket{job="x",le="0.5"} 2',
      'h_seconds_bucket{job="x",le="1"} 3',
      'h_seconds_bucket{job="x",le="+Inf"} 5',
      'h_seconds_sum{job="x"} 4.5',
      'h_seconds_count{job="x"} 5',
    ]);
  });
});

describe('poll buckets', () => {
  it('counts a poll under the smallest bound it does not exceed, or the overflow row', () => {
    expect(bucketForPoll(0)).toBe(50);
    expect(bucketForPoll(50)).toBe(50);
    expect(bucketForPoll(51)).toBe(100);
    expect(bucketForPoll(60_000)).toBe(POLL_BUCKET_OVERFLOW);
  });

  it('accumulates per-bucket rows into cumulative buckets; overflow polls reach none of them', () => {
    const c = cumulativeBuckets([
      { leMs: 50, polls: 2 },
      { leMs: 250, polls: 3 },
      { leMs: 300, polls: 1 }, // a bound from an older list: counted from the next current bound up
      { leMs: POLL_BUCKET_OVERFLOW, polls: 4 },
    ]);
    const at = (le: number) => c.find((b) => b.leMs === le)?.polls;
    expect([at(50), at(100), at(250), at(500), at(30_000)]).toEqual([2, 2, 5, 6, 6]);
  });
});
