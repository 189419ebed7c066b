import type { CheckCell, CheckId } from './check';
import type { NodeFacts } from '../node/node-facts';
import { formatAge, type PollFreshness } from '../node/poll-freshness';
import type { Verdict } from '../diagnosis/verdict-schema';

export interface FleetCheckInput {
  poll: PollFreshness & { errorMessage: string | null };
  /** pinned views: when the recorded state in effect at that moment was first seen */
  pinnedStateSince?: string | null;
  /** null when the node has no bundle yet */
  facts: NodeFacts | null;
  warnings15m: number;
  worstVerdict: Verdict | null;
}

/** Warnings per minute at or above which the node's warning cell turns red (the seed logs ~1 per 5 s per peer). */
export const warningsFailPerMin = 1;

// Builds the node × check row. Every check that reads collected data turns `unknown` when that data is not
// fresh: the last known value is still shown, but never coloured as healthy or as down.
export function buildFleetChecks(input: FleetCheckInput): Record<CheckId, CheckCell> {
  const fresh = input.poll.state === 'ok';
  const facts = input.facts;
  const stale = (cell: CheckCell): CheckCell =>
    fresh ? cell : { status: 'unknown', label: cell.label, detail: `last known (${formatAge(input.poll.dataAgeMs)} old): ${cell.detail ?? cell.label}` };

  const poll =
    input.pinnedStateSince !== undefined
      ? input.pinnedStateSince
        ? { status: 'ok' as const, label: 'history', detail: `state recorded since ${input.pinnedStateSince}` }
        : { status: 'unknown' as const, label: 'no history', detail: 'no state recorded at or before this moment' }
      : pollCell(input.poll);
  if (!facts) {
    const none: CheckCell = { status: 'unknown', label: '—', detail: 'no data collected yet' };
    return {
      poll,
      daemon: none,
      link: none,
      addresses: none,
      routes: none,
      warnings: warningsCheck(input.warnings15m, fresh),
      verdict: verdictCell(input.worstVerdict, fresh),
    };
  }
  return {
    poll,
    daemon: stale(daemonCell(facts.daemonActive)),
    link: stale(linkCell(facts.link)),
    addresses: stale(addressesCell(facts)),
    routes: stale(routesCell(facts)),
    warnings: warningsCheck(input.warnings15m, fresh),
    verdict: verdictCell(input.worstVerdict, fresh),
  };
}

// Warnings are log events with their own timestamps: stored ones stay true when polling lags. But no
// stored warning from a node we cannot read is not "no warning": that is unknown.
function warningsCheck(count: number, fresh: boolean): CheckCell {
  if (fresh || count > 0) return warningsCell(count);
  return { status: 'unknown', label: '—', detail: 'no fresh journal from this node: warnings unknown' };
}

function pollCell(p: FleetCheckInput['poll']): CheckCell {
  const age = formatAge(p.dataAgeMs);
  switch (p.state) {
    case 'ok':
      return { status: 'ok', label: age, detail: `last success ${age} ago` };
    case 'stale':
      return { status: 'unknown', label: `stale ${age}`, detail: `no successful poll for ${age}` };
    case 'pending':
      return { status: 'unknown', label: 'pending', detail: 'not polled yet' };
    case 'error':
      return { status: 'fail', label: 'error', detail: p.errorMessage ?? `poll failed; last success ${age} ago` };
    case 'host-key-changed':
      return { status: 'fail', label: 'HOST KEY CHANGED', detail: 'SSH host key differs from the pinned key: all commands to this node are stopped' };
  }
}

function daemonCell(active: string | null): CheckCell {
  if (active === null) return { status: 'unknown', label: 'n/a', detail: 'systemctl section not collected' };
  const state = active.trim() || 'empty';
  return { status: state === 'active' ? 'ok' : 'fail', label: state, detail: `systemctl is-active doublezerod: ${state}` };
}

function linkCell(link: NodeFacts['link']): CheckCell {
  switch (link) {
    case 'up':
      return { status: 'ok', label: 'up', detail: 'doublezero0 is UP' };
    case 'down':
      return { status: 'fail', label: 'down', detail: 'doublezero0 exists but is not UP' };
    case 'missing':
      return { status: 'fail', label: 'missing', detail: 'no doublezero0 interface' };
    case 'unknown':
      return { status: 'unknown', label: '?', detail: 'ip link output not parsed' };
  }
}

function addressesCell(facts: NodeFacts): CheckCell {
  if (facts.link === 'missing') return { status: 'fail', label: '0', detail: 'no doublezero0 interface' };
  const n = facts.dz0Addresses.length;
  return { status: n > 0 ? 'ok' : 'fail', label: String(n), detail: n > 0 ? facts.dz0Addresses.join(', ') : 'no address on doublezero0' };
}

function routesCell(facts: NodeFacts): CheckCell {
  const n = facts.dz0Routes;
  return { status: n > 0 ? 'ok' : 'warn', label: String(n), detail: n > 0 ? `${n} routes via doublezero0` : 'no route via doublezero0' };
}

function warningsCell(count15m: number): CheckCell {
  const perMin = count15m / 15;
  const label = perMin === 0 ? '0' : perMin < 0.1 ? '<0.1' : perMin.toFixed(1);
  const status = count15m === 0 ? 'ok' : perMin >= warningsFailPerMin ? 'fail' : 'warn';
  return { status, label, detail: `${count15m} liveness warnings in the last 15 min` };
}

function verdictCell(v: Verdict | null, fresh: boolean): CheckCell {
  if (v === null) return { status: 'unknown', label: '—', detail: 'no diagnosis yet' };
  if (v === 'unknown' || !fresh) return { status: 'unknown', label: v, detail: fresh ? 'no fresh data' : `last known verdict: ${v}` };
  // recovering: the cause is gone, its warnings still in the window: neither red nor green
  if (v === 'recovering') return { status: 'warn', label: v, detail: 'cause gone; warnings still in the window' };
  return { status: v === 'healthy' ? 'ok' : 'fail', label: v, detail: null };
}
