'use client';

import { useSyncExternalStore } from 'react';

/** Tailwind's `sm` breakpoint: below it the pages put the answer first and collapse the details (issue 16). */
const phoneQuery = '(max-width: 639.98px)';

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(phoneQuery);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

/**
 * True on a phone-width viewport. Layout is CSS where CSS can do it; this is for what CSS cannot: which
 * `<details>` start open and the fleet grid's column order. The server renders the desktop form.
 */
export function useIsPhone(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(phoneQuery).matches,
    () => false,
  );
}
