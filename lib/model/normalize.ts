import type { Bundle, RawSection, SectionName } from '../bundle/types';
import { requiredSections } from '../bundle/types';
import { parseDaemonRoutes } from '../parse/daemon-routes';
import { parseIpAddr } from '../parse/ip-addr';
import { parseIpLink } from '../parse/ip-link';
import { formatRoute, parseIpRoute } from '../parse/ip-route';
import { formatRule, parseIpRule } from '../parse/ip-rule';
import type { ParseIssue } from '../parse/issues';
import { parseJournalDetailed } from '../parse/journal';
import { parseMetrics } from '../parse/metrics';
import { parseNft } from '../parse/nft';
import { parseSystemctlIsActive } from '../parse/systemctl';
import type { NodeState, SectionIssue, SectionStatus, StableNodeState } from './node-state';

/**
 * Parses every section of a bundle into the normalized node state. Never throws: a missing or
 * failed section leaves its part empty (or null when "unknown" must differ from "none") and is listed
 * in `sections` and `issues`.
 */
export function normalizeBundle(bundle: Bundle): NodeState {
  const issues: SectionIssue[] = [];
  const sections: NodeState['sections'] = {};

  const usable = (name: SectionName): RawSection | undefined => {
    const section = bundle.sections[name];
    const status = sectionStatus(name, section);
    sections[name] = status;
    if (!section) {
      if (requiredSections.includes(name)) issues.push({ section: name, message: 'section missing' });
      return undefined;
    }
    if (status === 'failed') {
      issues.push({ section: name, message: `command failed (exit ${section.exitCode})${section.stderr ? `: ${section.stderr.slice(0, 200)}` : ''}` });
      return undefined;
    }
    if (status === 'truncated') issues.push({ section: name, message: 'output truncated at the size cap' });
    return section;
  };
  const note = (name: SectionName, parsed: ParseIssue[]): void => {
    for (const issue of parsed.slice(0, 20)) issues.push({ section: name, message: issue.message });
    if (parsed.length && sections[name] === 'ok') sections[name] = 'unreadable';
  };

  const linkText = usable('ip-link');
  const links = linkText ? parseIpLink(linkText.stdout) : { items: [], issues: [] };
  note('ip-link', links.issues);
  const addrText = usable('ip-addr');
  const addrs = addrText ? parseIpAddr(addrText.stdout) : { items: [], issues: [] };
  note('ip-addr', addrs.issues);
  const routeText = usable('ip-route');
  const routes = routeText ? parseIpRoute(routeText.stdout) : { items: [], issues: [] };
  note('ip-route', routes.issues);
  const ruleText = usable('ip-rule');
  const rules = ruleText ? parseIpRule(ruleText.stdout) : { items: [], issues: [] };
  note('ip-rule', rules.issues);

  const nftText = usable('nft');
  let firewall: StableNodeState['firewall'] = null;
  if (nftText) {
    const nft = parseNft(nftText.stdout);
    note('nft', nft.issues);
    // an unreadable ruleset is unknown, not empty: never report "no firewall rule" on garbage
    if (!(nft.issues.length && nft.chains.length === 0)) firewall = { chains: nft.chains, rules: nft.rules };
  }

  const journalText = usable('journal');
  const journal = journalText ? parseJournalDetailed(journalText.stdout, new Date(bundle.meta.collectedAt).getUTCFullYear()) : undefined;
  if (journal && journal.skipped) issues.push({ section: 'journal', message: `${journal.skipped} unreadable line(s) skipped` });

  const unitText = usable('systemctl');
  const unitState = unitText ? parseSystemctlIsActive(unitText.stdout) : null;

  const daemonText = usable('daemon-routes');
  let sessions: NodeState['daemon']['sessions'] = null;
  if (daemonText) {
    const parsed = parseDaemonRoutes(daemonText.stdout);
    note('daemon-routes', parsed.issues);
    if (!(parsed.issues.length && parsed.items.length === 0)) {
      sessions = parsed.items
        .map(({ raw: _raw, ...rest }) => rest)
        .sort((a, b) => `${a.localIP} ${a.peerIP}`.localeCompare(`${b.localIP} ${b.peerIP}`));
    }
  }

  const metricsText = usable('metrics');
  const metrics = metricsText ? parseMetrics(metricsText.stdout) : { items: [], issues: [] };
  note('metrics', metrics.issues);

  return {
    node: bundle.meta.node,
    collectedAt: bundle.meta.collectedAt,
    links: links.items
      .map((l) => withoutUndefined({ ifname: l.ifname, kind: l.kind, up: l.up, lowerUp: l.lowerUp, operstate: l.operstate, mtu: l.mtu, flags: l.flags }))
      .sort((a, b) => a.ifname.localeCompare(b.ifname)),
    addresses: addrs.items
      .map((a) => withoutUndefined({ ifname: a.ifname, family: a.family, local: a.local, prefixlen: a.prefixlen, scope: a.scope, tentative: a.tentative, dadfailed: a.dadfailed }))
      .sort((a, b) => `${a.ifname} ${a.local}`.localeCompare(`${b.ifname} ${b.local}`)),
    routes: routes.items
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
    // rule order is meaningful (priority, then kernel order for equal priorities): keep it
    rules: rules.items.map((r) => {
      const { raw: _raw, ...rest } = r;
      return withoutUndefined({ ...rest, text: formatRule(r) });
    }),
    firewall,
    daemon: { unitState, sessions },
    events: journal?.events ?? [],
    metrics: metrics.items,
    sections,
    issues,
  };
}

function sectionStatus(name: SectionName, section: RawSection | undefined): SectionStatus {
  if (!section) return 'missing';
  // null exit code: read from a bundle folder, where only the output is kept
  // `systemctl is-active` exits non-zero whenever the unit is not active; its word is still the answer.
  if (section.exitCode !== null && section.exitCode !== 0 && name !== 'systemctl') return 'failed';
  return section.truncated ? 'truncated' : 'ok';
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
