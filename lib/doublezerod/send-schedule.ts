// When a session that never hears its peer sends (internal/liveness/session.go ComputeNextTx): while Down the
// interval doubles from the tx interval (txMin, clamped by minTxFloor/maxTxCeil) up to BackoffMax, with ±10 %
// jitter. BackoffMax is MaxTxCeil (1 s) up to v0.8.0 and 1 min since v0.8.1 (internal/liveness/manager.go).
//
// Model: the ramp (base, 2·base, … < cap) is cumulative like the daemon's; after it, send k sits at
// rampEnd + k·cap ± 10 % (a jittered lattice rather than a random walk) so any time window can be computed
// without replaying every send since the daemon started. Same rate, same spread, repeatable for a seed.
import { keyHash, uniform } from './jitter';

export interface SendSchedule {
  /** first sends of the backoff ramp, absolute ms */
  ramp: number[];
  /** time of the last ramp send (or the start when there is no ramp), ms */
  rampEndMs: number;
  capMs: number;
  stream: number;
}

export function sendSchedule(opts: { startMs: number; baseMs: number; capMs: number; seed: string | number; key: string }): SendSchedule {
  const stream = keyHash(opts.seed, opts.key);
  const ramp: number[] = [];
  let t = opts.startMs;
  for (let eff = opts.baseMs, n = 0; eff < opts.capMs; eff *= 2, n++) {
    t += eff * (0.9 + 0.2 * uniform(stream, 0x4000_0000 + n));
    ramp.push(t);
  }
  return { ramp, rampEndMs: t, capMs: opts.capMs, stream };
}

/** Time (ms, fractional) of send number k. */
export function sendTimeMs(s: SendSchedule, k: number): number {
  if (k < s.ramp.length) return s.ramp[k] as number;
  const lattice = k - s.ramp.length + 1;
  return s.rampEndMs + lattice * s.capMs + s.capMs * (0.2 * uniform(s.stream, k) - 0.1);
}

/** Index of the first send at or after t. */
export function firstSendIndexAtOrAfter(s: SendSchedule, t: number): number {
  for (let k = 0; k < s.ramp.length; k++) if ((s.ramp[k] as number) >= t) return k;
  let k = s.ramp.length + Math.max(0, Math.floor((t - s.rampEndMs) / s.capMs) - 1);
  while (sendTimeMs(s, k) < t) k++;
  return k;
}

/** Number of sends in [fromMs, toMs). */
export function sendsBetween(s: SendSchedule, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  return firstSendIndexAtOrAfter(s, toMs) - firstSendIndexAtOrAfter(s, fromMs);
}

/** Sub-millisecond nanoseconds for send k: real timestamps carry them; the model draws them from the stream. */
export function sendSubMsNanos(s: SendSchedule, k: number): number {
  return Math.floor(uniform(s.stream, 0x7000_0000 + k) * 1_000_000);
}
