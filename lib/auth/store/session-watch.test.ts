import { describe, expect, it } from 'vitest';
import { recheckMsFrom } from './session-watch';

describe('FNH_SESSION_RECHECK_MS', () => {
  it('defaults to 10 s and takes whole milliseconds from 100 to 600000', () => {
    expect(recheckMsFrom(undefined)).toBe(10_000);
    expect(recheckMsFrom(' ')).toBe(10_000);
    expect(recheckMsFrom('1000')).toBe(1_000);
  });

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['0', '99', '600001', '1.5', '10s', '-5']) expect(() => recheckMsFrom(bad)).toThrow(/FNH_SESSION_RECHECK_MS/);
  });
});
