'use client';

import { eventFacets, groupEvents, type EventFilter, type SessionGroup } from '@/lib/node/event-groups';
import type { LivenessEventRow } from '@/lib/node/node';
import { utcText } from '@/components/ui/time';

const levelClass = (level: string) => (level === 'WARN' || level === 'ERROR' ? 'text-orange-300' : 'text-slate-400');
const timeOf = (iso: string) => utcText(iso).slice(11);
const span = (g: { count: number; first: string; last: string }) => `×${g.count}, ${g.count > 1 ? `${timeOf(g.first)}–${timeOf(g.last)}` : timeOf(g.last)} UTC`;
const sessionText = (s: Pick<SessionGroup, 'interface' | 'localIp' | 'peerIp'>) =>
  [s.interface, s.localIp, s.peerIp ? `→ ${s.peerIp}` : null].filter(Boolean).join(' ') || 'no session';

// The node's recent liveness events, grouped by message, then by session, all folded: a failing node repeats
// one warning per session every few seconds. Filter by peer and level (the page keeps them in the URL).
export function EventGroups(props: { events: readonly LivenessEventRow[]; filter: EventFilter; onFilter: (f: Partial<EventFilter>) => void; limit: number }) {
  const { events, filter } = props;
  const facets = eventFacets(events);
  const groups = groupEvents(events, filter);
  const lines = groups.reduce((n, g) => n + g.count, 0);
  return (
    <section className="mb-2 text-xs" data-testid="events" aria-label="Liveness events">
      <div className="mb-2 flex flex-wrap items-center gap-x-3 gap-y-1">
        <label className="flex items-center gap-1">
          <span className="text-slate-400">Peer</span>
          <select
            value={filter.peer}
            onChange={(e) => props.onFilter({ peer: e.target.value })}
            className="max-w-40 rounded border border-slate-700 bg-slate-900 px-1 py-0.5"
          >
            <option value="">all</option>
            {facets.peers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          <span className="text-slate-400">Level</span>
          <select
            value={filter.level}
            onChange={(e) => props.onFilter({ level: e.target.value })}
            className="rounded border border-slate-700 bg-slate-900 px-1 py-0.5"
          >
            <option value="">all</option>
            {facets.levels.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span className="text-slate-500" role="status">
          {lines} lines, {groups.length} {groups.length === 1 ? 'message' : 'messages'}
          {events.length >= props.limit ? ` (the newest ${props.limit} lines)` : ''}
        </span>
      </div>
      {events.length === 0 ? (
        <p className="text-slate-500">No liveness events.</p>
      ) : groups.length === 0 ? (
        <p className="text-slate-500">No event matches these filters.</p>
      ) : null}
      <ul className="space-y-1">
        {groups.map((g) => (
          <li key={g.key}>
            <details className="rounded border border-slate-800" data-testid="event-group" data-level={g.level}>
              <summary className="cursor-pointer px-2 py-1 hover:bg-slate-900">
                <span className={`font-semibold ${levelClass(g.level)}`}>{g.level}</span> <span className="font-mono break-all text-slate-200">{g.msg}</span>
                <span className="text-slate-400">
                  {' '}
                  {span(g)}
                  {g.sessions.length > 1 ? `, ${g.sessions.length} sessions` : g.sessions[0]?.peerIp ? `, → ${g.sessions[0].peerIp}` : ''}
                </span>
                {g.lastError ? <span className="block font-mono break-all text-red-300">{g.lastError}</span> : null}
              </summary>
              <ul className="space-y-1 border-t border-slate-800 p-1">
                {g.sessions.map((s) => (
                  <li key={s.key}>
                    <details data-testid="event-session" data-peer={s.peerIp ?? ''}>
                      <summary className="cursor-pointer rounded px-1 py-0.5 hover:bg-slate-900">
                        <span className="font-mono break-all text-sky-200">{sessionText(s)}</span> <span className="text-slate-400">{span(s)}</span>
                      </summary>
                      <table className="ml-4 border-collapse">
                        <tbody>
                          {s.events.map((e, i) => (
                            <tr key={`${e.at}-${i}`} className="align-top">
                              <td className="pr-2 font-mono whitespace-nowrap text-slate-400">{utcText(e.at)}</td>
                              <td className="font-mono break-all text-red-300">{e.error ?? ''}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </details>
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
