'use client';

import { useQuery } from '@tanstack/react-query';
import { nodeDetailSchema } from '@/lib/node/node';
import { fetchJson } from '@/components/ui/fetch-json';

/** One node's detail, live every 2 s unless pinned to a past moment. */
export function useNode(name: string, at: string | null) {
  const qs = at ? `?at=${encodeURIComponent(at)}` : '';
  return useQuery({
    queryKey: ['node', name, at],
    queryFn: () => fetchJson(`/api/nodes/${encodeURIComponent(name)}${qs}`, nodeDetailSchema),
    refetchInterval: at ? false : 2_000,
  });
}
