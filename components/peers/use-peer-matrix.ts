'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { buildPeerMatrix, peerGridResponseSchema, syntheticPeerMatrix, type PeerMatrix } from '@/lib/peers/peer-matrix';
import { fetchJson } from '@/components/ui/fetch-json';
import { liveRefetchMs, useLiveConnected } from '@/components/live/live-status';
import { fetchJsonRevalidating } from '@/components/live/revalidate';

export type PeerMatrixState =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; matrix: PeerMatrix; synthetic: boolean; asOf: string | null };

// The peer grid's data: the live fleet from /api/peers, kept current by the changed rows of /api/events
// (useLiveInvalidation) and revalidated with its ETag now and then (every 2 s while the stream is closed;
// read once when pinned), or a synthetic matrix built in the browser for the 1,000 × 1,000 benchmark
// (never mixed with real data).
export function usePeerMatrix(opts: { at: string | null; synthetic: { rows: number; cols: number } | null }): PeerMatrixState {
  const { at, synthetic } = opts;
  const streamOpen = useLiveConnected();
  const live = useQuery({
    queryKey: ['peers', at],
    queryFn: () =>
      at ? fetchJson(`/api/peers?at=${encodeURIComponent(at)}`, peerGridResponseSchema) : fetchJsonRevalidating('/api/peers', peerGridResponseSchema),
    refetchInterval: at ? false : liveRefetchMs(streamOpen),
    enabled: synthetic === null,
  });
  const synthRows = synthetic?.rows ?? 0;
  const synthCols = synthetic?.cols ?? 0;
  const synthMatrix = useMemo(() => (synthRows > 0 ? syntheticPeerMatrix(synthRows, synthCols) : null), [synthRows, synthCols]);
  const liveMatrix = useMemo(() => (live.data ? buildPeerMatrix(live.data) : null), [live.data]);
  if (synthMatrix) return { status: 'ready', matrix: synthMatrix, synthetic: true, asOf: null };
  if (live.isError) return { status: 'error', message: live.error.message };
  if (!liveMatrix || !live.data) return { status: 'loading' };
  return { status: 'ready', matrix: liveMatrix, synthetic: false, asOf: live.data.asOf };
}
