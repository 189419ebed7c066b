// How Go prints the values the daemon writes: slog's JSON string escaping, time.Time in RFC3339Nano and
// String(), time.Duration.String(), and strconv's shortest 'g' float (Prometheus text exposition).
// Times are UTC: the daemon's clock is the node's, and journald-era servers run in UTC (seed line: `Z`).

/** A wall-clock instant with nanosecond precision: epoch ms plus the nanoseconds inside that ms. */
export interface GoInstant {
  epochMs: number;
  /** 0 … 999999 */
  subMsNanos?: number;
}

export function instant(epochMs: number, subMsNanos = 0): GoInstant {
  return { epochMs: Math.floor(epochMs), subMsNanos: Math.max(0, Math.min(999_999, Math.floor(subMsNanos))) };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function parts(t: GoInstant) {
  const d = new Date(t.epochMs);
  const nanos = d.getUTCMilliseconds() * 1_000_000 + (t.subMsNanos ?? 0);
  return {
    date: `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`,
    clock: `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`,
    nanos,
  };
}

/** Go's `.999999999` layout: fraction with trailing zeros removed, nothing at all when zero. */
function trimmedFraction(nanos: number): string {
  if (nanos === 0) return '';
  return `.${pad(nanos, 9).replace(/0+$/, '')}`;
}

/** time.RFC3339Nano, as slog's JSONHandler writes the `time` key: `2025-11-30T19:36:22.662807168Z`. */
export function rfc3339Nano(t: GoInstant): string {
  const p = parts(t);
  return `${p.date}T${p.clock}${trimmedFraction(p.nanos)}Z`;
}

/** time.RFC3339 (seconds): `2025-11-30T19:36:22Z` (internal/api/routes.go liveness_last_updated). */
export function rfc3339(t: GoInstant): string {
  const p = parts(t);
  return `${p.date}T${p.clock}Z`;
}

/** t.UTC().String(): `2025-11-30 19:36:22.662807168 +0000 UTC` (upSince/downSince attrs). */
export function goTimeString(t: GoInstant | null): string {
  if (!t) return '0001-01-01 00:00:00 +0000 UTC';
  const p = parts(t);
  return `${p.date} ${p.clock}${trimmedFraction(p.nanos)} +0000 UTC`;
}

/** time.Duration.String() for a non-negative duration in nanoseconds: `0s`, `300ms`, `1.5µs`, `1m0s`, `2h3m4.5s`. */
export function goDuration(totalNanos: number): string {
  const ns = Math.max(0, Math.round(totalNanos));
  if (ns === 0) return '0s';
  const fmtFrac = (value: number, unitNanos: number) => {
    const whole = Math.floor(value / unitNanos);
    const frac = value % unitNanos;
    if (frac === 0) return String(whole);
    const digits = String(unitNanos).length - 1;
    return `${whole}.${pad(frac, digits).replace(/0+$/, '')}`;
  };
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1_000_000) return `${fmtFrac(ns, 1000)}µs`;
  if (ns < 1_000_000_000) return `${fmtFrac(ns, 1_000_000)}ms`;
  const hours = Math.floor(ns / 3_600_000_000_000);
  const minutes = Math.floor((ns % 3_600_000_000_000) / 60_000_000_000);
  const secNanos = ns % 60_000_000_000;
  const seconds = `${fmtFrac(secNanos, 1_000_000_000)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/**
 * A JSON string as slog's JSONHandler writes it (log/slog/json_handler.go appendEscapedJSONString: encoding/json's
 * escaping without HTML escaping): `\"`, `\\`, `\n`, `\r`, `\t`, other control bytes as `\u00XX`, U+2028/9 escaped.
 */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u00${code.toString(16).padStart(2, '0')}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** strconv.FormatFloat(f, 'g', -1, 64), as client_golang writes sample values: `720`, `1.234567e+06`, `0.5`. */
export function goFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return '0'; // expfmt writeFloat special-cases 0 (and -0 == 0)
  const [mantissa = '0', expText = '0'] = f.toExponential().split('e');
  const exp = Number(expText);
  // strconv/ftoa.go formatDigits: for the shortest 'g', %e is used when exp < -4 || exp >= 6 (eprec = 6).
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${pad(Math.abs(exp), 2)}`;
  }
  return String(f);
}
