'use client';

import type { QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { trailingThrottle } from '@/lib/live/trailing-throttle';

/** EventSource gives up for good after an HTTP error (e.g. a 503 while the store is down): try again after this. */
const RECONNECT_AFTER_FAILURE_MS = 10_000;

/**
 * Refetches the pages' queries when the server says a poll was stored (GET /api/events, fed by the
 * database's NOTIFY), at most once per `minIntervalMs`: a busy fleet stores polls all the time, so this
 * is no faster than the pages' own ~2 s refetch, but a change shows as soon as it is stored. The
 * periodic refetch stays as the fallback while the stream is down.
 */
export function useLiveInvalidation(client: QueryClient, url = '/api/events', minIntervalMs = 2_000): void {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const refetch = trailingThrottle(() => void client.invalidateQueries({ type: 'active' }), minIntervalMs);
    const onPoll = () => refetch.call();
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      source = new EventSource(url);
      source.addEventListener('poll', onPoll);
      // A dropped stream reconnects by itself (readyState CONNECTING); a refused one is CLOSED and stays so.
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) return;
        source.removeEventListener('poll', onPoll);
        retry = setTimeout(connect, RECONNECT_AFTER_FAILURE_MS);
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.removeEventListener('poll', onPoll);
      source?.close();
      refetch.cancel();
    };
  }, [client, url, minIntervalMs]);
}
