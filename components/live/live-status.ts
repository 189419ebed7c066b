'use client';

import { useSyncExternalStore } from 'react';

// Whether the live stream (/api/events) is open. While it is, the grids get changed rows from it and read
// in full only now and then; while it is not, they fall back to reading every 2 s.
let connected = false;
const listeners = new Set<() => void>();

export function setLiveConnected(value: boolean): void {
  if (connected === value) return;
  connected = value;
  for (const l of listeners) l();
}

export function useLiveConnected(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    () => connected,
    () => false,
  );
}

/** How often a live grid reads in full: rarely with the stream open (a safety net), every 2 s without it. */
export function liveRefetchMs(streamOpen: boolean): number {
  return streamOpen ? 60_000 : 2_000;
}
