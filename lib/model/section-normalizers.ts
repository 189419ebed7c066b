import { parseDaemonRoutes } from '../parse/daemon-routes';
import { parseIpAddr } from '../parse/ip-addr';
import { parseIpLink } from '../parse/ip-link';
import { formatRoute, parseIpRoute } from '../parse/ip-route';
import { formatRule, parseIpRule } from '../parse/ip-rule';
import type { ParseIssue } from '../parse/issues';
import type { MetricSample } from '../parse/metrics';
import { parseMetrics } from '../parse/metrics';
import { parseNft } from '../parse/nft';
import { parseSystemctlIsActive, type UnitState } from '../parse/systemctl';
import { parseSystemctlShow, type DaemonUnit } from '../parse/systemctl-show';
import { parseDaemonVersion } from '../parse/daemon-version';
import { parseDaemonStatus, type DaemonStatus } from '../parse/daemon-status';
import type { AddressState, DaemonSession, FirewallState, LinkState, RouteState, RuleState } from './node-state';

// What each section's stdout becomes in the node state, as a function of that stdout alone: this is
// the part of normalization worth reusing when a section comes back unchanged (see normalize-cache.ts).
// Whether a section is usable (exit code, truncation) is decided by the caller, every poll.

export interface NormalizedSection<T> {
  value: T;
  /** the parser's complaints: they make an otherwise ok section "unreadable" */
  issues: readonly ParseIssue[];
}

export interface SectionValues {
  'ip-link': LinkState[];
  'ip-addr': AddressState[];
  'ip-route': RouteState[];
  'ip-rule': RuleState[];
  /** null: the ruleset could not be read, which is unknown, not empty */
  nft: FirewallState | null;
  systemctl: UnitState;
  /** null: the daemon's answer could not be read */
  'daemon-routes': DaemonSession[] | null;
  metrics: MetricSample[];
  /** null: not a `version: X` line */
  'daemon-version': string | null;
  'systemctl-show': DaemonUnit;
  /** null: not a status body the parser reads (e.g. a daemon older than /v2/status) */
  'daemon-status': DaemonStatus | null;
}

export type CachedSectionName = keyof SectionValues;

export const sectionNormalizers: { [S in CachedSectionName]: (stdout: string) => NormalizedSection<SectionValues[S]> } = {
  'ip-link': (stdout) => {
    const parsed = parseIpLink(stdout);
    return {
      value: parsed.items
        .map((l) => withoutUndefined({ ifname: l.ifname, kind: l.kind, up: l.up, lowerUp: l.lowerUp, operstate: l.operstate, mtu: l.mtu, flags: l.flags }))
        .sort((a, b) => a.ifname.localeCompare(b.ifname)),
      issues: parsed.issues,
    };
  },
  'ip-addr': (stdout) => {
    const parsed = parseIpAddr(stdout);
    return {
      value: parsed.items
        .map((a) =>
          withoutUndefined({
            ifname: a.ifname,
            family: a.family,
            local: a.local,
            prefixlen: a.prefixlen,
            scope: a.scope,
            tentative: a.tentative,
            dadfailed: a.dadfailed,
          }),
        )
        .sort((a, b) => `${a.ifname} ${a.local}`.localeCompare(`${b.ifname} ${b.local}`)),
      issues: parsed.issues,
    };
  },
  'ip-route': (stdout) => {
    const parsed = parseIpRoute(stdout);
    return {
      value: parsed.items
        .map((r) =>
          withoutUndefined({
            table: r.table,
            type: r.type,
            dst: r.dst,
            protocol: r.protocol,
            scope: r.scope,
            metric: r.metric,
            prefsrc: r.prefsrc,
            gateway: r.gateway,
            dev: r.dev,
            nexthops: r.nexthops.map((h) => withoutUndefined({ gateway: h.gateway, dev: h.dev, weight: h.weight })),
            text: formatRoute(r),
          }),
        )
        .sort((a, b) => `${a.table} ${a.text}`.localeCompare(`${b.table} ${b.text}`)),
      issues: parsed.issues,
    };
  },
  'ip-rule': (stdout) => {
    const parsed = parseIpRule(stdout);
    return {
      // rule order is meaningful (priority, then kernel order for equal priorities): keep it
      value: parsed.items.map((r) => {
        const { raw: _raw, ...rest } = r;
        return withoutUndefined({ ...rest, text: formatRule(r) });
      }),
      issues: parsed.issues,
    };
  },
  nft: (stdout) => {
    const nft = parseNft(stdout);
    // an unreadable ruleset is unknown, not empty: never report "no firewall rule" on garbage
    const unreadable = nft.issues.length > 0 && nft.chains.length === 0;
    return { value: unreadable ? null : { chains: nft.chains, rules: nft.rules }, issues: nft.issues };
  },
  systemctl: (stdout) => ({ value: parseSystemctlIsActive(stdout), issues: [] }),
  'daemon-routes': (stdout) => {
    const parsed = parseDaemonRoutes(stdout);
    const unreadable = parsed.issues.length > 0 && parsed.items.length === 0;
    return {
      value: unreadable
        ? null
        : parsed.items.map(({ raw: _raw, ...rest }) => rest).sort((a, b) => `${a.localIP} ${a.peerIP}`.localeCompare(`${b.localIP} ${b.peerIP}`)),
      issues: parsed.issues,
    };
  },
  metrics: (stdout) => {
    const parsed = parseMetrics(stdout);
    return { value: parsed.items, issues: parsed.issues };
  },
  'daemon-version': (stdout) => {
    const version = parseDaemonVersion(stdout);
    return { value: version, issues: version === null && stdout.trim() !== '' ? [{ at: 1, message: 'doublezerod -version: no "version: X" line' }] : [] };
  },
  'systemctl-show': (stdout) => parseSystemctlShow(stdout),
  'daemon-status': (stdout) => parseDaemonStatus(stdout),
};

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
