'use client';

import type { QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { trailingThrottle } from '@/lib/live/trailing-throttle';

/**
 * Refetches the pages' queries when the server says a poll was stored (GET /api/events, fed by the
 * database's NOTIFY), at most once per `minIntervalMs`. The queries' own refetch interval stays as the
 * fallback when the stream is down; EventSource reconnects by itself.
 */
export function useLiveInvalidation(client: QueryClient, url = '/api/events', minIntervalMs = 1_000): void {
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
