'use client';

import type { QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { trailingThrottle } from '@/lib/live/trailing-throttle';

/**
 * Refetches the pages' queries when the server says a poll was stored (GET /api/events, fed by the
 * database's NOTIFY), at most once per `minIntervalMs`: a busy fleet stores polls all the time, so this
 * is no faster than the pages' own ~2 s refetch, but a change shows as soon as it is stored. The
 * periodic refetch stays as the fallback when the stream is down; EventSource reconnects by itself.
 */
export function useLiveInvalidation(client: QueryClient, url = '/api/events', minIntervalMs = 2_000): void {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(url);
    const refetch = trailingThrottle(() => void client.invalidateQueries({ type: 'active' }), minIntervalMs);
    const onPoll = () => refetch.call();
    source.addEventListener('poll', onPoll);
    return () => {
      source.removeEventListener('poll', onPoll);
      source.close();
      refetch.cancel();
    };
  }, [client, url, minIntervalMs]);
}
