import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('shares one computation among callers of the same key while it runs', async () => {
    const flights = new SingleFlight<number>();
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      computed++;
      await gate;
      return computed;
    };
    const a = flights.run('fleet', compute);
    const b = flights.run('fleet', compute);
    const other = flights.run('peers', compute);
    release();
    expect(await Promise.all([a, b, other])).toEqual([2, 2, 2]);
    expect(computed).toBe(2);
  });

  it('computes afresh once the last one settled, also after a failure', async () => {
    const flights = new SingleFlight<string>();
    await expect(flights.run('k', () => Promise.reject(new Error('store gone')))).rejects.toThrow('store gone');
    expect(await flights.run('k', async () => 'fresh')).toBe('fresh');
    expect(await flights.run('k', async () => 'again')).toBe('again');
  });
});
