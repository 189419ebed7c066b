'use client';

import type { QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { z } from 'zod';
import { fleetRowSchema, type FleetResponse } from '@/lib/fleet/fleet';
import { applyPeerGridDelta, peerGridDeltaSchema } from '@/lib/peers/peer-grid-delta';
import type { PeerGridResponse } from '@/lib/peers/peer-matrix';
import { trailingThrottle } from '@/lib/live/trailing-throttle';
import { setLiveConnected } from './live-status';

/** EventSource gives up for good after an HTTP error (e.g. a 503 while the store is down): try again after this. */
const RECONNECT_AFTER_FAILURE_MS = 10_000;

/** The live (not pinned) grids' queries: kept up to date by the rows the stream sends, not by refetching. */
const liveFleetKey = ['fleet', null] as const;
const livePeersKey = ['peers', null] as const;
const isLiveGrid = (key: readonly unknown[]) => key[1] === null && (key[0] === 'fleet' || key[0] === 'peers');

/** the `fleet-rows` event (lib/live/store/notify-live-rows.ts) */
const fleetRowsSchema = z.object({ asOf: z.string(), rows: z.array(fleetRowSchema) });

/**
 * Live updates from GET /api/events (fed by the database's NOTIFY):
 * - `fleet-rows`: the rows of the nodes just polled (or just turned stale) replace those rows of the live fleet;
 * - `peer-rows`: the peer grid's changed rows, applied when they start from the version shown, else it is read again;
 * - `peer-reset`: the peer grid's rows or columns moved: read again (a 304 if nothing changed after all);
 * - `poll`: the other pages' queries are refetched, at most once per `minIntervalMs`.
 * The grids' own periodic read stays as the fallback (every 2 s while the stream is closed).
 */
export function useLiveInvalidation(client: QueryClient, url = '/api/events', minIntervalMs = 2_000): void {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const refetch = trailingThrottle(() => void client.invalidateQueries({ type: 'active', predicate: (q) => !isLiveGrid(q.queryKey) }), minIntervalMs);
    const onPoll = () => refetch.call();
    const onFleetRows = (e: MessageEvent<string>) => {
      const update = fleetRowsSchema.safeParse(JSON.parse(e.data));
      if (!update.success) return void client.invalidateQueries({ queryKey: liveFleetKey });
      client.setQueryData<FleetResponse>(liveFleetKey, (fleet) => {
        if (!fleet) return fleet;
        const byName = new Map(update.data.rows.map((r) => [r.name, r]));
        const known = new Set(fleet.nodes.map((n) => n.name));
        // a node the page does not know yet (inventory changed): read the fleet again
        if (update.data.rows.some((r) => !known.has(r.name))) void client.invalidateQueries({ queryKey: liveFleetKey });
        return { ...fleet, asOf: update.data.asOf > fleet.asOf ? update.data.asOf : fleet.asOf, nodes: fleet.nodes.map((n) => byName.get(n.name) ?? n) };
      });
    };
    const onPeerRows = (e: MessageEvent<string>) => {
      const delta = peerGridDeltaSchema.safeParse(JSON.parse(e.data));
      const grid = client.getQueryData<PeerGridResponse>(livePeersKey);
      if (!grid) return;
      if (delta.success && delta.data.kind === 'rows' && grid.version === delta.data.from)
        client.setQueryData(livePeersKey, applyPeerGridDelta(grid, delta.data));
      else if (!delta.success || grid.version !== delta.data.to) void client.invalidateQueries({ queryKey: livePeersKey });
    };
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const listen = (s: EventSource, on: boolean) => {
      const method = on ? s.addEventListener.bind(s) : s.removeEventListener.bind(s);
      method('poll', onPoll);
      method('fleet-rows', onFleetRows as EventListener);
      method('peer-rows', onPeerRows as EventListener);
      method('peer-reset', onPeerRows as EventListener);
    };
    const connect = () => {
      source = new EventSource(url);
      listen(source, true);
      source.onopen = () => setLiveConnected(true);
      // A dropped stream reconnects by itself (readyState CONNECTING); a refused one is CLOSED and stays so.
      source.onerror = () => {
        setLiveConnected(false);
        if (source?.readyState !== EventSource.CLOSED) return;
        listen(source, false);
        retry = setTimeout(connect, RECONNECT_AFTER_FAILURE_MS);
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      if (source) listen(source, false);
      source?.close();
      setLiveConnected(false);
      refetch.cancel();
    };
  }, [client, url, minIntervalMs]);
}
