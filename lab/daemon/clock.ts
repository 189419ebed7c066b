// Wall-clock time with microsecond resolution: journald stamps entries in µs and Go's slog prints
// RFC 3339 with up to nanoseconds, so millisecond Date.now() is not enough.
export interface Instant {
  /** microseconds since the Unix epoch */
  readonly micros: bigint;
}

export function nowInstant(): Instant {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  return { micros };
}

export function instantMillis(t: Instant): number {
  return Number(t.micros / 1000n);
}

/** Go's time.RFC3339Nano in UTC: fractional seconds with trailing zeros trimmed. */
export function rfc3339Nano(t: Instant): string {
  const base = new Date(instantMillis(t)).toISOString().slice(0, 19);
  const frac = (t.micros % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${base}${frac ? '.' + frac : ''}Z`;
}
