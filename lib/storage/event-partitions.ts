// Daily partitions of liveness_events on PostgreSQL (issue 17): which to create ahead of time and which
// retention may drop whole. Pure: the store's list of partitions comes in, names and bounds go out.
// A partition covers one UTC day [00:00, next 00:00) and is named after it: liveness_events_pYYYYMMDD.

const DAY_MS = 24 * 3600_000;
const NAME = /^liveness_events_p(\d{4})(\d{2})(\d{2})$/;

export const eventsParent = 'liveness_events';
export const eventsDefaultPartition = 'liveness_events_default';

export interface DayPartition {
  name: string;
  from: Date;
  /** exclusive */
  to: Date;
}

export function dayPartition(at: Date): DayPartition {
  const from = new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
  const iso = from.toISOString();
  return { name: `${eventsParent}_p${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`, from, to: new Date(from.getTime() + DAY_MS) };
}

/** The day a partition name stands for; undefined for any other table (the default partition, a stranger). */
export function parsePartitionName(name: string): DayPartition | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const from = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z`);
  if (Number.isNaN(from.getTime())) return undefined;
  const day = dayPartition(from);
  return day.name === name ? day : undefined;
}

/** Today's partition and `daysAhead` after it, those not in `existing` (table names), oldest first. */
export function partitionsToCreate(existing: readonly string[], now: Date, daysAhead: number): DayPartition[] {
  const have = new Set(existing);
  const out: DayPartition[] = [];
  for (let d = 0; d <= daysAhead; d++) {
    const day = dayPartition(new Date(now.getTime() + d * DAY_MS));
    if (!have.has(day.name)) out.push(day);
  }
  return out;
}

/**
 * The partitions retention drops whole: every row of them is before the cutoff (the day ends at or before
 * it). The day the cutoff falls in keeps its partition; its rows past the window go by row, as on PGlite.
 */
export function partitionsPastRetention(existing: readonly string[], cutoff: Date): DayPartition[] {
  return existing
    .map(parsePartitionName)
    .filter((p): p is DayPartition => p !== undefined && p.to.getTime() <= cutoff.getTime())
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}
