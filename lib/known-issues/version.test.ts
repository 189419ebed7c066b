import { describe, expect, it } from 'vitest';
import { compareClientVersions, formatClientVersion, parseClientVersion } from './version';

const cmp = (a: string, b: string) => Math.sign(compareClientVersions(parseClientVersion(a)!, parseClientVersion(b)!));

describe('client versions', () => {
  it('reads what doublezerod -version prints, with or without a v', () => {
    expect(parseClientVersion('0.8.1')).toEqual({ major: 0, minor: 8, patch: 1, pre: [] });
    expect(parseClientVersion('v0.8.10\n')).toEqual({ major: 0, minor: 8, patch: 10, pre: [] });
    expect(parseClientVersion('0.8.1-rc.2+abc123')).toEqual({ major: 0, minor: 8, patch: 1, pre: ['rc', '2'] });
  });

  it('anything else is not a version (a local build prints "dev")', () => {
    for (const bad of ['dev', '', '0.8', '0.8.1.2', '08.1.0', '0.8.x', 'version: 0.8.1', '0.8.1 ; reboot']) expect(parseClientVersion(bad)).toBeNull();
  });

  it.each([
    ['0.8.0', '0.8.1', -1],
    ['0.8.1', '0.8.1', 0],
    ['0.8.10', '0.8.9', 1],
    ['0.10.0', '0.9.0', 1],
    ['1.0.0', '0.34.0', 1],
    ['0.8.1-rc.1', '0.8.1', -1],
    ['0.8.1-rc.2', '0.8.1-rc.10', -1],
    ['0.8.1-alpha', '0.8.1-1', 1],
    ['0.8.1-rc', '0.8.1-rc.1', -1],
    ['0.8.1+build5', '0.8.1', 0],
  ])('%s vs %s → %i', (a, b, want) => {
    expect(cmp(a, b)).toBe(want);
    expect(cmp(b, a)).toBe(-want || 0);
  });

  it('formats with a v', () => {
    expect(formatClientVersion(parseClientVersion('0.8.1-rc.1')!)).toBe('v0.8.1-rc.1');
  });
});
