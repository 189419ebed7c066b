// PostgreSQL (and PGlite) cannot store U+0000 in text or jsonb. A node that prints a NUL byte would
// otherwise make every poll of it fail to store, leaving the node "pending" with no reason shown: a
// hostile node could hide itself that way. Node text is replaced like undecodable bytes are (U+FFFD).

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/**
 * The same value with every NUL in its strings replaced by U+FFFD. Walks strings, arrays and plain
 * objects; anything else (Date, class instances) is kept as is. Returns the very same value when it
 * holds no NUL, so the common case copies nothing.
 */
export function withoutNul<T>(value: T): T {
  return replaceIn(value) as T;
}

function replaceIn(value: unknown): unknown {
  if (typeof value === 'string') return value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT) : value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = replaceIn(item);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return copy ?? value;
  }
  if (value !== null && typeof value === 'object' && isPlain(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [k, item] of Object.entries(value)) {
      const next = replaceIn(item);
      const key = replaceIn(k) as string;
      if (next !== item || key !== k) {
        copy ??= { ...value };
        if (key !== k) delete copy[k];
        copy[key] = next;
      }
    }
    return copy ?? value;
  }
  return value;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
