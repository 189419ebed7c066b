import { instant, type GoInstant } from '../../lib/doublezerod';

/** Now, with the sub-millisecond part Go's clock has (slog prints nanoseconds). */
export function nowInstant(): GoInstant {
  const t = performance.timeOrigin + performance.now();
  return instant(t, (t % 1) * 1_000_000);
}
