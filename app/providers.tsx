'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useLiveInvalidation } from '@/components/live/useLiveInvalidation';

// One QueryClient per browser tab; created in state so React re-renders never replace it.
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Live dashboard: refetch on an interval, keep showing the last data while refetching.
            staleTime: 1_000,
            refetchOnWindowFocus: false,
            retry: 1,
          },
        },
      }),
  );
  useLiveInvalidation(client); // refetch when the database announces a stored poll (SSE from NOTIFY)
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
