'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

// View state lives in the URL: reading it is useSearchParams, writing it replaces the URL without a reload,
// so every view is a shareable link and the back button is not flooded by filter keystrokes.
export function useSearchState(): {
  params: Record<string, string>;
  update: (patch: Record<string, string | null>) => void;
} {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params = Object.fromEntries(search.entries());
  const update = useCallback(
    (patch: Record<string, string | null>) => {
      const next = new URLSearchParams(search.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === '') next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [search, router, pathname],
  );
  return { params, update };
}
