import { z } from 'zod';
import { clip, type ParseIssue } from './issues';
import { parseJsonText } from './json-records';

// doublezerod's status over its unix socket (upstream malbeclabs/doublezero, client/doublezerod):
// - `GET /v2/status` (internal/manager/http.go ServeV2Status, client v0.10.0 and later): an object
//   {reconciler_enabled, client_ip, network, services[]}; each service is an api.StatusResponse
//   (internal/api/requests.go, embedded, so its fields sit at the top level of the service) plus
//   current_device, metro, tenant, multicast_groups {publisher[], subscriber[]}, subscriptions[], ….
// - `GET /status` (ServeStatus, every version): the same StatusResponse records as a bare array; with no
//   service the daemon writes `[{"doublezero_status": {"session_status": "disconnected"}}]`, and a
//   service without saved state encodes as `null`.
// user_type is api.UserType's String(): Unknown, IBRL, IBRLWithAllocatedIP, EdgeFiltering, Multicast.
// doublezero_status is bgp.Session: session_status ("BGP Session Up", …) and last_session_update (Unix s).
// net.IP fields encode a missing address as "". Errors are `{"status": "error", "description": …}` with
// HTTP 500, and a daemon older than v0.10.0 answers /v2/status with Go's `404 page not found`.

export const knownUserTypes = ['IBRL', 'IBRLWithAllocatedIP', 'EdgeFiltering', 'Multicast', 'Unknown'] as const;
export type KnownUserType = (typeof knownUserTypes)[number];

export interface DaemonService {
  /** exactly as the daemon wrote it (a newer daemon may have types this list does not know); null when absent */
  userType: string | null;
  tunnelName: string | null;
  tunnelSrc: string | null;
  tunnelDst: string | null;
  doubleZeroIp: string | null;
  /** the BGP session's state text, e.g. "BGP Session Up" */
  sessionStatus: string | null;
  /** Unix seconds */
  lastSessionUpdate: number | null;
  /** /v2/status only (onchain enrichment, best effort: empty when the daemon could not fetch it) */
  currentDevice: string | null;
  metro: string | null;
  tenant: string | null;
  /** /v2/status only: multicast group codes; null when the body does not carry them */
  multicastGroups: { publisher: string[]; subscriber: string[] } | null;
  /** the record as received, unknown fields included */
  raw: Record<string, unknown>;
}

export interface DaemonStatus {
  /** which endpoint's shape the body has */
  endpoint: '/v2/status' | '/status';
  /** /v2/status only */
  reconcilerEnabled: boolean | null;
  clientIp: string | null;
  network: string | null;
  services: DaemonService[];
  /** top-level fields of a /v2/status body besides the known ones */
  extra: Record<string, unknown>;
}

export interface ParsedDaemonStatus {
  value: DaemonStatus | null;
  issues: ParseIssue[];
}

const what = 'daemon status';
const text = z.string().max(200);
const optionalText = text.nullish().catch(undefined);

const serviceSchema = z.looseObject({
  user_type: optionalText,
  tunnel_name: optionalText,
  tunnel_src: optionalText,
  tunnel_dst: optionalText,
  doublezero_ip: optionalText,
  doublezero_status: z
    .looseObject({ session_status: optionalText, last_session_update: z.number().finite().nullish().catch(undefined) })
    .nullish()
    .catch(undefined),
  current_device: optionalText,
  metro: optionalText,
  tenant: optionalText,
  multicast_groups: z
    .looseObject({ publisher: z.array(text).max(1000).nullish(), subscriber: z.array(text).max(1000).nullish() })
    .nullish()
    .catch(undefined),
});

const v2Schema = z.looseObject({
  reconciler_enabled: z.boolean().nullish().catch(undefined),
  client_ip: optionalText,
  network: optionalText,
  services: z.array(z.unknown()).nullish(),
});

const v2Known = new Set(['reconciler_enabled', 'client_ip', 'network', 'services']);

/** Reads a `/v2/status` (or `/status`) body. Never throws: what could not be read is in `issues`. */
export function parseDaemonStatus(body: string): ParsedDaemonStatus {
  const trimmed = String(body).trim();
  if (/^404 page not found$/i.test(trimmed)) {
    return {
      value: null,
      issues: [{ message: `${what}: the daemon answered "404 page not found" (GET /v2/status exists from client v0.10.0; GET /status in every version)` }],
    };
  }
  const parsed = parseJsonText(trimmed, what);
  if (parsed.issue) return { value: null, issues: [parsed.issue] };
  const json = parsed.value;
  if (Array.isArray(json)) {
    const issues: ParseIssue[] = [];
    return { value: fromV1(json, issues), issues };
  }
  if (typeof json !== 'object' || json === null) return { value: null, issues: [{ message: `${what}: expected a JSON object or array` }] };
  const record = json as Record<string, unknown>;
  if (record.status === 'error') {
    return {
      value: null,
      issues: [
        { message: `${what}: the daemon reported an error: ${clip(typeof record.description === 'string' ? record.description : JSON.stringify(record))}` },
      ],
    };
  }
  const top = v2Schema.safeParse(record);
  if (!top.success || !('services' in record)) return { value: null, issues: [{ message: `${what}: not a /v2/status object (no services list)` }] };
  const issues: ParseIssue[] = [];
  const services = readServices(top.data.services ?? [], issues);
  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !v2Known.has(k)));
  return {
    value: {
      endpoint: '/v2/status',
      reconcilerEnabled: top.data.reconciler_enabled ?? null,
      clientIp: nonEmpty(top.data.client_ip),
      network: nonEmpty(top.data.network),
      services,
      extra,
    },
    issues,
  };
}

function fromV1(records: unknown[], issues: ParseIssue[]): DaemonStatus {
  // The daemon's "no service" placeholder is not a service.
  const real = records.filter((r) => !isDisconnectedPlaceholder(r));
  return { endpoint: '/status', reconcilerEnabled: null, clientIp: null, network: null, services: readServices(real, issues), extra: {} };
}

function isDisconnectedPlaceholder(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const rec = r as Record<string, unknown>;
  const status = rec.doublezero_status as Record<string, unknown> | undefined;
  return rec.user_type === undefined && typeof status === 'object' && status !== null && status.session_status === 'disconnected';
}

function readServices(records: readonly unknown[], issues: ParseIssue[]): DaemonService[] {
  const out: DaemonService[] = [];
  records.forEach((r, index) => {
    if (r === null) {
      issues.push({ at: index, message: `${what} service ${index}: null (the daemon has a service without saved state)` });
      return;
    }
    const s = serviceSchema.safeParse(r);
    if (!s.success) {
      if (issues.length < 50)
        issues.push({ at: index, message: `${what} service ${index}: ${clip(s.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))}` });
      return;
    }
    const d = s.data;
    out.push({
      userType: nonEmpty(d.user_type),
      tunnelName: nonEmpty(d.tunnel_name),
      tunnelSrc: nonEmpty(d.tunnel_src),
      tunnelDst: nonEmpty(d.tunnel_dst),
      doubleZeroIp: nonEmpty(d.doublezero_ip),
      sessionStatus: nonEmpty(d.doublezero_status?.session_status),
      lastSessionUpdate: d.doublezero_status?.last_session_update ?? null,
      currentDevice: nonEmpty(d.current_device),
      metro: nonEmpty(d.metro),
      tenant: nonEmpty(d.tenant),
      multicastGroups: d.multicast_groups ? { publisher: d.multicast_groups.publisher ?? [], subscriber: d.multicast_groups.subscriber ?? [] } : null,
      raw: r as Record<string, unknown>,
    });
  });
  return out;
}

function nonEmpty(v: string | null | undefined): string | null {
  return v === undefined || v === null || v === '' ? null : v;
}
