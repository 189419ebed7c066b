import type { AddressState, LinkState, StableNodeState } from './node-state';

export type ChangeKind =
  | 'link-added'
  | 'link-removed'
  | 'link-up'
  | 'link-down'
  | 'link-changed'
  | 'address-added'
  | 'address-removed'
  | 'route-added'
  | 'route-removed'
  | 'rule-added'
  | 'rule-removed'
  | 'firewall-rule-added'
  | 'firewall-rule-removed'
  | 'firewall-known'
  | 'firewall-unknown'
  | 'session-added'
  | 'session-removed'
  | 'session-changed'
  | 'daemon-changed';

export interface StateChange {
  kind: ChangeKind;
  /** what changed, readable: `doublezero0`, `209.245.225.161/32 on doublezero0`, a route or rule text */
  subject: string;
  before?: string;
  after?: string;
}

const linkStatus = (l: LinkState): string => `${l.up ? 'UP' : 'DOWN'} operstate ${l.operstate}${l.lowerUp ? '' : ' no-carrier'}`;
const linkShape = (l: LinkState): string => `${l.kind ?? 'device'} mtu ${l.mtu ?? '?'}`;
const addressKey = (a: AddressState): string => `${a.local}/${a.prefixlen} on ${a.ifname}`;

/** What changed from `before` to `after`, in a stable order (links, addresses, routes, rules, firewall, daemon). */
export function diffStates(before: StableNodeState, after: StableNodeState): StateChange[] {
  const changes: StateChange[] = [];

  const oldLinks = new Map(before.links.map((l) => [l.ifname, l]));
  const newLinks = new Map(after.links.map((l) => [l.ifname, l]));
  for (const [name, link] of newLinks) {
    const old = oldLinks.get(name);
    if (!old) {
      changes.push({ kind: 'link-added', subject: name, after: `${linkShape(link)}, ${linkStatus(link)}` });
      continue;
    }
    const wasUp = old.up && old.lowerUp;
    const isUp = link.up && link.lowerUp;
    if (wasUp !== isUp) changes.push({ kind: isUp ? 'link-up' : 'link-down', subject: name, before: linkStatus(old), after: linkStatus(link) });
    else if (linkStatus(old) !== linkStatus(link)) changes.push({ kind: 'link-changed', subject: name, before: linkStatus(old), after: linkStatus(link) });
    if (linkShape(old) !== linkShape(link)) changes.push({ kind: 'link-changed', subject: name, before: linkShape(old), after: linkShape(link) });
  }
  for (const [name, link] of oldLinks)
    if (!newLinks.has(name)) changes.push({ kind: 'link-removed', subject: name, before: `${linkShape(link)}, ${linkStatus(link)}` });

  setDiff(before.addresses.map(addressKey), after.addresses.map(addressKey), 'address-added', 'address-removed', changes);
  setDiff(
    before.routes.map((r) => r.text),
    after.routes.map((r) => r.text),
    'route-added',
    'route-removed',
    changes,
  );
  setDiff(
    before.rules.map((r) => r.text),
    after.rules.map((r) => r.text),
    'rule-added',
    'rule-removed',
    changes,
  );

  if (before.firewall && after.firewall) {
    const fwKey = (r: { family: string; table: string; chain: string; text: string }): string => `${r.family} ${r.table} ${r.chain}: ${r.text}`;
    setDiff(before.firewall.rules.map(fwKey), after.firewall.rules.map(fwKey), 'firewall-rule-added', 'firewall-rule-removed', changes);
  } else if (!before.firewall && after.firewall) {
    changes.push({ kind: 'firewall-known', subject: 'nft ruleset', after: `${after.firewall.rules.length} rule(s)` });
  } else if (before.firewall && !after.firewall) {
    changes.push({ kind: 'firewall-unknown', subject: 'nft ruleset', before: `${before.firewall.rules.length} rule(s)` });
  }

  const sessionKey = (s: { localIP: string; peerIP: string }): string => `${s.localIP} -> ${s.peerIP}`;
  const sessionState = (s: { livenessState?: string; kernelState?: string }): string => `liveness ${s.livenessState ?? '-'}, kernel ${s.kernelState ?? '-'}`;
  const oldSessions = new Map((before.daemon.sessions ?? []).map((s) => [sessionKey(s), s]));
  const newSessions = new Map((after.daemon.sessions ?? []).map((s) => [sessionKey(s), s]));
  for (const [key, s] of newSessions) {
    const old = oldSessions.get(key);
    if (!old) changes.push({ kind: 'session-added', subject: key, after: sessionState(s) });
    else if (sessionState(old) !== sessionState(s)) changes.push({ kind: 'session-changed', subject: key, before: sessionState(old), after: sessionState(s) });
  }
  for (const [key, s] of oldSessions) if (!newSessions.has(key)) changes.push({ kind: 'session-removed', subject: key, before: sessionState(s) });
  if (before.daemon.unitState !== after.daemon.unitState) {
    changes.push({
      kind: 'daemon-changed',
      subject: 'doublezerod',
      before: before.daemon.unitState ?? 'not collected',
      after: after.daemon.unitState ?? 'not collected',
    });
  }
  return changes;
}

function setDiff(before: string[], after: string[], added: ChangeKind, removed: ChangeKind, out: StateChange[]): void {
  const old = new Set(before);
  const now = new Set(after);
  for (const key of now) if (!old.has(key)) out.push({ kind: added, subject: key });
  for (const key of old) if (!now.has(key)) out.push({ kind: removed, subject: key });
}
