'use client';

import { useQuery } from '@tanstack/react-query';
import { fleetResponseSchema } from '@/lib/fleet/fleet';
import { fetchJson } from '@/components/ui/fetch-json';
import { liveRefetchMs, useLiveConnected } from '@/components/live/live-status';
import { fetchJsonRevalidating } from '@/components/live/revalidate';

/**
 * Live fleet rows: read once, then kept current by the changed rows of /api/events (useLiveInvalidation),
 * with a full read now and then as a safety net (every 2 s while the stream is closed). A pinned view
 * (`at`) is history and is read once.
 */
export function useFleet(at: string | null) {
  const streamOpen = useLiveConnected();
  return useQuery({
    queryKey: ['fleet', at],
    queryFn: () => (at ? fetchJson(`/api/fleet?at=${encodeURIComponent(at)}`, fleetResponseSchema) : fetchJsonRevalidating('/api/fleet', fleetResponseSchema)),
    refetchInterval: at ? false : liveRefetchMs(streamOpen),
  });
}
