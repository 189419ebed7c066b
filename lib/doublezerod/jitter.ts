// Deterministic stand-in for the daemon's math/rand jitter: a hash of (seed, key, n) to [0, 1).
// The real daemon draws from an unseeded source; the model only needs the same distribution and repeatability.

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** splitmix-style finaliser: spreads a 32-bit value so consecutive n give unrelated outputs. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export function keyHash(seed: string | number, key: string): number {
  return fnv1a32(`${seed}\u0000${key}`);
}

/** A uniform value in [0, 1) for draw number `n` of the stream `stream` (a keyHash). */
export function uniform(stream: number, n: number): number {
  return mix32((stream ^ mix32(n >>> 0)) >>> 0) / 0x1_0000_0000;
}
