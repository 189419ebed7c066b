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

  it('with reuseMs, callers asking within that long after an answer was asked for get it; later ones compute afresh', async () => {
    const flights = new SingleFlight<string>({ reuseMs: 1_000 });
    expect(await flights.run('fleet', async () => 'at 10 s', 10_000)).toBe('at 10 s');
    expect(await flights.run('fleet', async () => 'at 10.9 s', 10_900)).toBe('at 10 s');
    expect(await flights.run('fleet', async () => 'at 11 s', 11_000)).toBe('at 10 s');
    expect(await flights.run('fleet', async () => 'at 11.1 s', 11_100)).toBe('at 11.1 s');
    // a caller whose moment is before the answer's is not given a later answer
    expect(await flights.run('fleet', async () => 'at 11.05 s', 11_050)).toBe('at 11.05 s');
    // a failure is not kept
    await expect(flights.run('peers', () => Promise.reject(new Error('store gone')), 20_000)).rejects.toThrow('store gone');
    expect(await flights.run('peers', async () => 'fresh', 20_001)).toBe('fresh');
  });

  it('drops answers past their window under any key, so keys that never come back are not kept', async () => {
    const flights = new SingleFlight<string>({ reuseMs: 1_000 });
    for (const etag of ['"v1"', '"v2"', '"v3"']) await flights.run(`etag:${etag}`, async () => etag, 10_000);
    expect(flights.size).toBe(3);
    await flights.run('etag:"v4"', async () => 'v4', 12_000);
    expect(flights.size).toBe(1);
  });
});
