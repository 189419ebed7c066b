// Canonical JSON: object keys sorted by code unit (except that JavaScript writes integer-like keys first, in
// numeric order: still one text per value), no whitespace, undefined members dropped (in arrays: null).
// The same value always gives the same text, so a hash over it is stable across processes, drivers and key
// orders. The one definition for the audit chain's bodies and the node state's hash. Only JSON data is
// accepted: a NaN, an Infinity or a Date here is a programming error and throws. The keys are sorted in one
// walk and the text is written by the native JSON.stringify, which matters for a 1,000,000-route state.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return value;
    case 'object': {
      if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new TypeError('canonicalJson: only plain objects');
      const obj = value as Record<string, unknown>;
      // No prototype: a member named "__proto__" (a node can print any key) stays a member instead of
      // replacing the prototype and vanishing from the text.
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) {
        if (obj[key] !== undefined) out[key] = sortKeys(obj[key]);
      }
      return out;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  }
}
