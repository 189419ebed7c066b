// A hand-written check of the shape ip-route.ts's zod schema accepts, for the fast path: a routing
// table may hold a million records and zod costs ~10 µs each. It must never accept a record the
// schema rejects (records it rejects go through zod, which gives the same result and the error
// text), and an accepted record must equal zod's output: so it also requires the `flags` arrays
// that zod would otherwise fill in with a default. The equivalence is tested on generated records
// (ip-route-guard.test.ts).

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

function optStringOrNumber(v: unknown): boolean {
  return v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

function isStringArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const item of v) if (typeof item !== 'string') return false;
  return true;
}

function optSafeInt(v: unknown, min = Number.MIN_SAFE_INTEGER): boolean {
  return v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= min);
}

function isNexthop(v: unknown): boolean {
  return isObject(v) && optString(v.gateway) && optString(v.dev) && optSafeInt(v.weight) && isStringArray(v.flags);
}

export function isRouteRecordShape(v: unknown): v is Json & { dst: string; flags: string[] } {
  if (!isObject(v) || typeof v.dst !== 'string' || !isStringArray(v.flags)) return false;
  if (!optString(v.type) || !optString(v.prefsrc) || !optString(v.gateway) || !optString(v.dev) || !optString(v.pref)) return false;
  if (!optStringOrNumber(v.table) || !optStringOrNumber(v.protocol) || !optStringOrNumber(v.scope)) return false;
  if (!optSafeInt(v.metric, 0)) return false;
  if (v.nexthops !== undefined) {
    if (!Array.isArray(v.nexthops)) return false;
    for (const hop of v.nexthops) if (!isNexthop(hop)) return false;
  }
  return true;
}
