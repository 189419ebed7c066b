import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeProbeLine, encodeUnchangedLine } from './decode';
import { OTHER_LINE_MAX, createReplyGuard, sectionLineMax } from './reply-guard';
import { SECTION_STDOUT_CAP, sectionStdoutCap } from './script';

function feed(chunks: Buffer[]): string | undefined {
  const guard = createReplyGuard();
  for (const c of chunks) {
    const why = guard(c);
    if (why) return why;
  }
  return undefined;
}

function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe('reply guard', () => {
  it('lets a well-formed reply through, sections at their full cap included', () => {
    const reply = Buffer.from(
      'a login banner\n' +
        encodeProbeLine('ip-link', '[]', 0) +
        encodeProbeLine('journal', Buffer.alloc(SECTION_STDOUT_CAP, 0x41), 0, 'warning') +
        encodeUnchangedLine('ip-route', 'a'.repeat(64), 0) +
        'FNH1-END 7\n',
    );
    expect(feed([reply])).toBeUndefined();
  });

  it('stops a section as soon as it passes its own cap, not the poll limit', () => {
    const guard = createReplyGuard();
    let fed = Buffer.byteLength('FNH1 journal ');
    expect(guard(Buffer.from('FNH1 journal '))).toBeUndefined();
    const chunk = Buffer.alloc(256 * 1024, 'QUFB');
    let why: string | undefined;
    while (!why && fed < 100 * 1024 * 1024) {
      why = guard(chunk);
      fed += chunk.length;
    }
    expect(why).toMatch(/section journal is longer than its cap/);
    expect(fed).toBeLessThan(sectionLineMax('journal') + chunk.length + 64);
  });

  it('gives the routing table its larger cap', () => {
    expect(sectionStdoutCap('ip-route')).toBeGreaterThan(SECTION_STDOUT_CAP);
    const guard = createReplyGuard();
    guard(Buffer.from('FNH1 ip-route '));
    expect(guard(Buffer.alloc(sectionLineMax('journal') + 1024, 'QUFB'))).toBeUndefined();
  });

  it('keeps lines outside any section short', () => {
    expect(feed([Buffer.alloc(OTHER_LINE_MAX + 1, 'x')])).toMatch(/outside any section/);
    expect(feed([Buffer.from('FNH1 no-such-section '), Buffer.alloc(OTHER_LINE_MAX, 'x')])).toMatch(/longer than its cap/);
    expect(feed([Buffer.alloc(OTHER_LINE_MAX, 'x'), Buffer.from('\n'), Buffer.alloc(OTHER_LINE_MAX, 'y')])).toBeUndefined();
  });

  it('decides the same however the reply is cut into chunks', () => {
    const good = Buffer.from('banner\n' + encodeProbeLine('ip-addr', '[{"x":1}]', 0) + encodeProbeLine('hostname', 'n1\n', 0));
    const bad = Buffer.concat([Buffer.from('FNH1 metrics '), Buffer.alloc(sectionLineMax('metrics') + 10, 'QUFB'), Buffer.from(' 0 \n')]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (cuts) => {
        expect(feed(splitAt(good, cuts))).toBeUndefined();
        expect(feed(splitAt(bad, cuts))).toMatch(/section metrics/);
      }),
      { numRuns: 60 },
    );
  });
});
