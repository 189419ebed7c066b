import { describe, expect, it } from 'vitest';
import { capResult, capText } from './output';

describe('node output capping', () => {
  it('keeps short output as is', () => {
    expect(capText('ok\n', 100)).toEqual({ text: 'ok\n', truncated: false });
  });
  it('cuts at the byte cap without splitting a character', () => {
    const r = capText('é'.repeat(10), 5); // 2 bytes each
    expect(r).toEqual({ text: 'éé', truncated: true });
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(5);
  });
  it('replaces NUL bytes, which the store cannot hold', () => {
    expect(capText('a\u0000b', 100).text).toBe('a\uFFFDb');
  });
  it('keeps the executor flags and an error without output', () => {
    expect(capResult('x', { exitCode: null, stdout: 'y'.repeat(50), stderr: '', truncated: false, timedOut: true }, 10)).toMatchObject({
      stdout: 'y'.repeat(10),
      truncated: true,
      timedOut: true,
    });
    expect(capResult('x', { error: 'ssh: connection refused' })).toEqual({
      command: 'x',
      exitCode: null,
      stdout: '',
      stderr: '',
      truncated: false,
      timedOut: false,
      error: 'ssh: connection refused',
    });
  });
});
