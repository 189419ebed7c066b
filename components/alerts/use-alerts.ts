'use client';

import { useQuery } from '@tanstack/react-query';
import { alertListSchema, alertTriageSchema } from '@/lib/alerts/alerts';
import { fetchJson } from '@/components/ui/fetch-json';

export function useAlerts() {
  return useQuery({ queryKey: ['alerts'], queryFn: () => fetchJson('/api/alerts', alertListSchema), refetchInterval: 5_000 });
}

/** `startsAt`: the episode a link names (ms since the epoch or ISO); without it, the latest episode. */
export function useAlertTriage(fingerprint: string, startsAt?: string) {
  const episode = startsAt ? `/${encodeURIComponent(startsAt)}` : '';
  return useQuery({
    queryKey: ['alert', fingerprint, startsAt ?? null],
    queryFn: () => fetchJson(`/api/alerts/${encodeURIComponent(fingerprint)}${episode}`, alertTriageSchema),
    refetchInterval: 10_000,
  });
}
