'use client';

import { useQuery } from '@tanstack/react-query';
import { alertListSchema, alertTriageSchema } from '@/lib/api/alerts';
import { fetchJson } from '@/components/ui/fetch-json';

export function useAlerts() {
  return useQuery({ queryKey: ['alerts'], queryFn: () => fetchJson('/api/alerts', alertListSchema), refetchInterval: 5_000 });
}

export function useAlertTriage(fingerprint: string) {
  return useQuery({
    queryKey: ['alert', fingerprint],
    queryFn: () => fetchJson(`/api/alerts/${encodeURIComponent(fingerprint)}`, alertTriageSchema),
    refetchInterval: 10_000,
  });
}
