'use client';

import { useQuery } from '@tanstack/react-query';
import { fleetResponseSchema } from '@/lib/api/fleet';
import { fetchJson } from '@/components/ui/fetch-json';

/** Live fleet rows, refetched every 2 s; a pinned view (`at`) is history and is fetched once. */
export function useFleet(at: string | null) {
  return useQuery({
    queryKey: ['fleet', at],
    queryFn: () => fetchJson(at ? `/api/fleet?at=${encodeURIComponent(at)}` : '/api/fleet', fleetResponseSchema),
    refetchInterval: at ? false : 2_000,
  });
}
