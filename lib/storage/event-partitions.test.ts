import { describe, expect, it } from 'vitest';
import { dayPartition, parsePartitionName, partitionsPastRetention, partitionsToCreate } from './event-partitions';

describe('daily partitions of liveness_events', () => {
  it('names a UTC day and bounds it [00:00, next 00:00)', () => {
    const p = dayPartition(new Date('2026-12-01T23:59:59.999Z'));
    expect(p).toEqual({ name: 'liveness_events_p20261201', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-02T00:00:00Z') });
    expect(dayPartition(new Date('2026-12-02T00:00:00Z')).name).toBe('liveness_events_p20261202');
  });

  it('reads back only names it would give', () => {
    expect(parsePartitionName('liveness_events_p20261231')?.to).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(parsePartitionName('liveness_events_default')).toBeUndefined();
    expect(parsePartitionName('liveness_events_p20261332')).toBeUndefined();
    expect(parsePartitionName('liveness_events_p20260230')).toBeUndefined();
    expect(parsePartitionName('other_p20261201')).toBeUndefined();
  });

  it('creates today and the days ahead that are missing, across a month end', () => {
    const now = new Date('2026-12-30T10:00:00Z');
    expect(partitionsToCreate(['liveness_events_p20261231'], now, 3).map((p) => p.name)).toEqual([
      'liveness_events_p20261230',
      'liveness_events_p20270101',
      'liveness_events_p20270102',
    ]);
    expect(partitionsToCreate(['liveness_events_p20261230', 'liveness_events_p20261231'], now, 1)).toEqual([]);
  });

  it('drops a day only when all of it is before the cutoff', () => {
    const existing = [
      'liveness_events_default',
      'liveness_events_p20261129',
      'liveness_events_p20261127',
      'liveness_events_p20261128',
      'liveness_events_p20261130',
    ];
    expect(partitionsPastRetention(existing, new Date('2026-11-29T00:00:00Z')).map((p) => p.name)).toEqual([
      'liveness_events_p20261127',
      'liveness_events_p20261128',
    ]);
    expect(partitionsPastRetention(existing, new Date('2026-11-28T23:59:59.999Z')).map((p) => p.name)).toEqual(['liveness_events_p20261127']);
    expect(partitionsPastRetention(existing, new Date('2026-11-27T00:00:00Z'))).toEqual([]);
  });
});
