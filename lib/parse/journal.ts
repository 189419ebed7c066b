import { z } from 'zod';
import { sha256Hex } from '../model/sha256';
import { clip, type ParseIssue } from './issues';

/** One doublezerod liveness log record, whatever journal form it came from. */
export interface LivenessEvent {
  /** ISO-8601 UTC time of the record (from the daemon's own `time`, else journald's, else syslog) */
  at: string;
  /** upper-case slog level: DEBUG, INFO, WARN, ERROR */
  level: string;
  msg: string;
  interface?: string;
  localIP?: string;
  peerIP?: string;
  error?: string;
  /** the daemon process that wrote it (syslog `doublezerod[PID]`, journald `_PID`); a new PID is a new daemon */
  pid?: number;
  /** where the peer came from: the record's `peer` field, or the error text (daemons before v0.7.1) */
  peerFrom?: 'peer-field' | 'error-text';
  /** the journal line exactly as read */
  raw: string;
  /** stable across the three forms and across overlapping reads of the same record */
  dedupeKey: string;
  /** every field of the daemon's JSON record, known or not */
  fields: Record<string, unknown>;
}

export interface JournalParseResult {
  events: LivenessEvent[];
  /** lines that could not be read as a doublezerod record (garbage, truncated JSON, ...) */
  skipped: number;
  /** daemon records that are not liveness messages (kept out of `events`) */
  otherRecords: number;
  /** the same record seen twice in this text (overlapping reads), dropped */
  duplicates: number;
  issues: ParseIssue[];
}

const MAX_LINE = 64 * 1024;
const MAX_ISSUES = 50;

const ipSchema = z.union([z.ipv4(), z.ipv6()]);

// The daemon logs with Go's slog JSON handler; `peer` is a formatted string in the versions seen so far.
const daemonRecordSchema = z.looseObject({
  time: z.string().optional(),
  level: z.string().optional(),
  msg: z.string(),
  error: z.unknown().optional(),
  peer: z.unknown().optional(),
});
type DaemonRecord = z.infer<typeof daemonRecordSchema>;

const journaldObjectSchema = z.looseObject({
  MESSAGE: z.union([z.string(), z.array(z.number().int().min(0).max(255)), z.null()]),
  __REALTIME_TIMESTAMP: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  _PID: z
    .string()
    .regex(/^\d{1,10}$/)
    .optional(),
  SYSLOG_IDENTIFIER: z.string().max(64).optional(),
});

/**
 * systemd's own lines about the unit (`journalctl -u doublezerod` includes them): a start is proof that
 * every liveness session of the earlier process is gone. The wording is systemd's (src/core/job.c
 * job_done_messages / unit status): "Started doublezerod.service - DoubleZero client." (v252; older:
 * "Started DoubleZero client."), "Stopped …", "doublezerod.service: Main process exited, …".
 */
export const DAEMON_STARTED_MSG = 'systemd: daemon started';
export const DAEMON_STOPPED_MSG = 'systemd: daemon stopped';
const SYSTEMD_START = /^Started (doublezerod\.service|DoubleZero client)/;
const SYSTEMD_STOP = /^(Stopped (doublezerod\.service|DoubleZero client)|doublezerod\.service: (Main process exited|Failed with result))/;

const SYSLOG_PREFIX = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? \S+ ([^\s:[]+)(?:\[(\d{1,10})\])?: (.*)$/;
const ISO_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})) \S+ ([^\s:[]+)(?:\[(\d{1,10})\])?: (.*)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Located {
  record: DaemonRecord;
  /** time from the carrier (journald or syslog prefix) when the record has none of its own */
  carrierTime?: string;
  pid?: number;
}

type LineOutcome = { kind: 'record'; located: Located } | { kind: 'ignored' } | { kind: 'garbage'; reason: string };

/** The liveness events of a journal text; see `parseJournalDetailed` for the counts and issues. */
export function parseJournal(text: string): LivenessEvent[] {
  return parseJournalDetailed(text).events;
}

/**
 * Reads doublezerod journal text in any of its three forms, one record per line:
 * syslog-prefixed (`Nov 30 19:36:22 host doublezerod[1]: {json}`), `journalctl -o json` objects whose
 * MESSAGE holds the JSON (as a string, or as a byte array when journald stored it as binary), and bare
 * JSON (`journalctl -o cat`). Never throws: unreadable lines are counted and skipped.
 * `referenceYear` dates syslog prefixes, which carry no year, when a record has no time of its own.
 */
export function parseJournalDetailed(text: string, referenceYear = 1970): JournalParseResult {
  const result: JournalParseResult = { events: [], skipped: 0, otherRecords: 0, duplicates: 0, issues: [] };
  const seen = new Set<string>();
  const lines = String(text).split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const outcome = readLine(line, referenceYear);
    if (outcome.kind === 'ignored') return;
    if (outcome.kind === 'garbage') {
      result.skipped++;
      if (result.issues.length < MAX_ISSUES) result.issues.push({ at: index + 1, message: `${outcome.reason}: ${clip(line, 80)}` });
      return;
    }
    const event = toEvent(outcome.located, line);
    if (!event) {
      result.skipped++;
      if (result.issues.length < MAX_ISSUES) result.issues.push({ at: index + 1, message: `record without a usable time: ${clip(line, 80)}` });
      return;
    }
    if (!event.msg.startsWith('liveness') && !event.msg.startsWith('systemd: ')) {
      result.otherRecords++;
      return;
    }
    if (seen.has(event.dedupeKey)) {
      result.duplicates++;
      return;
    }
    seen.add(event.dedupeKey);
    result.events.push(event);
  });
  return result;
}

function readLine(line: string, referenceYear: number): LineOutcome {
  const trimmed = line.trim();
  // Blank lines and journalctl's own markers ("-- No entries --", "-- Boot ... --") carry nothing.
  if (trimmed === '' || trimmed.startsWith('-- ')) return { kind: 'ignored' };
  if (line.length > MAX_LINE) return { kind: 'garbage', reason: 'line too long' };

  if (trimmed.startsWith('{')) {
    const value = parseJson(trimmed);
    if (value === undefined) return { kind: 'garbage', reason: 'invalid JSON' };
    const journald = journaldObjectSchema.safeParse(value);
    if (journald.success) return fromJournald(journald.data);
    return fromRecordValue(value);
  }

  const syslog = SYSLOG_PREFIX.exec(line);
  if (syslog) {
    const [, mon, day, hh, mm, ss, ident, pid, rest] = syslog as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    const month = MONTHS.indexOf(mon);
    const carrier = month >= 0 ? new Date(Date.UTC(referenceYear, month, Number(day), Number(hh), Number(mm), Number(ss))) : undefined;
    return fromMessageText(rest, carrier && !Number.isNaN(carrier.getTime()) ? carrier.toISOString() : undefined, pidOf(pid), ident);
  }
  const iso = ISO_PREFIX.exec(line);
  if (iso) {
    const [, stamp, ident, pid, rest] = iso as unknown as [string, string, string, string | undefined, string];
    return fromMessageText(rest, isoOrUndefined(stamp), pidOf(pid), ident);
  }
  // `journalctl -o cat` prints systemd's own lines about the unit bare, with no time to date them by
  if (SYSTEMD_START.test(trimmed) || SYSTEMD_STOP.test(trimmed)) return { kind: 'ignored' };
  return { kind: 'garbage', reason: 'not a journal record' };
}

function fromJournald(entry: z.infer<typeof journaldObjectSchema>): LineOutcome {
  const message = entry.MESSAGE;
  if (message === null) return { kind: 'garbage', reason: 'journald entry without MESSAGE' };
  const text = typeof message === 'string' ? message : new TextDecoder('utf-8').decode(Uint8Array.from(message));
  const micros = entry.__REALTIME_TIMESTAMP;
  const carrier = micros ? isoOrUndefined(new Date(Number(BigInt(micros) / 1000n)).toISOString()) : undefined;
  return fromMessageText(text, carrier, pidOf(entry._PID), entry.SYSLOG_IDENTIFIER);
}

function pidOf(text: string | undefined): number | undefined {
  const n = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function fromMessageText(text: string, carrierTime: string | undefined, pid?: number, ident?: string): LineOutcome {
  const trimmed = text.trim();
  if (ident === 'systemd' || ident === 'systemd[1]') {
    const msg = SYSTEMD_START.test(trimmed) ? DAEMON_STARTED_MSG : SYSTEMD_STOP.test(trimmed) ? DAEMON_STOPPED_MSG : undefined;
    if (!msg || !carrierTime) return { kind: 'ignored' };
    return { kind: 'record', located: { record: { msg, level: 'INFO', text: clip(trimmed, 200) }, carrierTime } };
  }
  // The daemon also prints plain-text lines (startup banners, Go panics): not records, not garbage.
  if (!trimmed.startsWith('{')) return { kind: 'ignored' };
  const value = parseJson(trimmed);
  if (value === undefined) return { kind: 'garbage', reason: 'invalid JSON in message' };
  const outcome = fromRecordValue(value);
  if (outcome.kind === 'record') {
    if (carrierTime) outcome.located.carrierTime = carrierTime;
    if (pid !== undefined) outcome.located.pid = pid;
  }
  return outcome;
}

function fromRecordValue(value: unknown): LineOutcome {
  const record = daemonRecordSchema.safeParse(value);
  if (!record.success) return { kind: 'garbage', reason: 'JSON is not a daemon log record' };
  return { kind: 'record', located: { record: record.data } };
}

function toEvent({ record, carrierTime, pid }: Located, raw: string): LivenessEvent | undefined {
  const at = (record.time && isoOrUndefined(record.time)) || carrierTime;
  if (!at) return undefined;
  const level = (record.level ?? 'INFO').toUpperCase().slice(0, 16);
  const fromField = readPeer(record);
  // Before v0.7.1 the send warning had no `peer` (internal/liveness/scheduler.go at client/v0.7.0): the
  // peer is in the error text; the local IP is then not known.
  const fromError = fromField.peerIP === undefined ? peerFromSendError(record) : undefined;
  const peer = fromError ?? (fromField.peerIP === undefined ? peerFromWithdrawnRoute(record) : undefined) ?? fromField;
  const error = typeof record.error === 'string' ? record.error : record.error === undefined ? undefined : JSON.stringify(record.error);
  const event: LivenessEvent = {
    at,
    level,
    msg: record.msg,
    raw,
    // The daemon's own time has nanoseconds; with the message and peer it names one record whatever
    // form carried it, so overlapping reads in different forms still dedupe.
    dedupeKey: sha256Hex(JSON.stringify([record.time ?? at, level, record.msg, peer.interface, peer.localIP, peer.peerIP, error])).slice(0, 32),
    fields: { ...record },
  };
  if (peer.interface !== undefined) event.interface = peer.interface;
  if (peer.localIP !== undefined) event.localIP = peer.localIP;
  if (peer.peerIP !== undefined) event.peerIP = peer.peerIP;
  if (error !== undefined) event.error = error;
  if (pid !== undefined) event.pid = pid;
  if (peer.peerIP !== undefined) event.peerFrom = fromError ? 'error-text' : 'peer-field';
  return event;
}

/** The send failure's message (internal/liveness/scheduler.go, every version so far). */
export const SEND_FAILURE_MSG = 'liveness.scheduler: error writing UDP packet';
// Go's net.OpError text: "write udp 0.0.0.0:44880->216.238.110.55:44880: sendmsg: network is unreachable"
const SEND_ERROR_PEER = /^write udp \S+->(\[[0-9a-fA-F:.]+\]|[0-9.]+):\d+: /;

// `liveness: withdrawing route` names the route, not the peer: "route":"table: 254, dst: B/32, src: A, nh: N protocol: bgp"
// with "iface" (internal/liveness/manager.go WithdrawRoute, internal/routing/routes.go Route.String).
const ROUTE_TEXT = /(?:^|, )dst: ([0-9a-fA-F.:]+)\/(?:32|128), src: ([0-9a-fA-F.:]+)(?:,|$| )/;

function peerFromWithdrawnRoute(record: DaemonRecord): PeerKey | undefined {
  const fields = record as Record<string, unknown>;
  if (record.msg !== 'liveness: withdrawing route' || typeof fields.route !== 'string') return undefined;
  const m = ROUTE_TEXT.exec(fields.route);
  const peer = m ? ipSchema.safeParse(m[1]) : undefined;
  const local = m ? ipSchema.safeParse(m[2]) : undefined;
  if (!peer?.success) return undefined;
  const key: PeerKey = { peerIP: peer.data, interface: typeof fields.iface === 'string' && IFNAME.test(fields.iface) ? fields.iface : 'doublezero0' };
  if (local?.success) key.localIP = local.data;
  return key;
}

function peerFromSendError(record: DaemonRecord): PeerKey | undefined {
  if (record.msg !== SEND_FAILURE_MSG || typeof record.error !== 'string') return undefined;
  const m = SEND_ERROR_PEER.exec(record.error);
  const ip = m ? ipSchema.safeParse(m[1]!.replace(/^\[|\]$/g, '')) : undefined;
  // Liveness runs on the unicast tunnel only (multicast has no sessions: internal/services/multicast.go).
  return ip?.success ? { interface: 'doublezero0', peerIP: ip.data } : undefined;
}

interface PeerKey {
  interface?: string;
  localIP?: string;
  peerIP?: string;
}

const IFNAME = /^[A-Za-z0-9_.:@-]{1,15}$/;

// `peer` is "interface: doublezero0, localIP: 209.245.225.161, peerIP: 216.238.110.55" in the daemon's
// log; a structured object or top-level keys are accepted too so a format change does not blind us.
function readPeer(record: DaemonRecord): PeerKey {
  const found: Record<string, unknown> = {};
  if (typeof record.peer === 'string') {
    for (const part of record.peer.split(',')) {
      const m = /^\s*([A-Za-z_]+)\s*[:=]\s*(\S*)\s*$/.exec(part);
      if (m) found[m[1]!] = m[2];
    }
  } else if (record.peer && typeof record.peer === 'object') {
    Object.assign(found, record.peer);
  }
  const pick = (...keys: string[]): unknown => {
    for (const key of keys) {
      const value = found[key] ?? (record as Record<string, unknown>)[key];
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const key: PeerKey = {};
  const ifname = pick('interface', 'Interface', 'iface');
  if (typeof ifname === 'string' && IFNAME.test(ifname)) key.interface = ifname;
  const local = ipSchema.safeParse(pick('localIP', 'LocalIP', 'local_ip'));
  if (local.success) key.localIP = local.data;
  const peerIP = ipSchema.safeParse(pick('peerIP', 'PeerIP', 'peer_ip'));
  if (peerIP.success) key.peerIP = peerIP.data;
  return key;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isoOrUndefined(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
