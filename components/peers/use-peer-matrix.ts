'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { buildPeerMatrix, peerGridResponseSchema, syntheticPeerMatrix, type PeerMatrix } from '@/lib/api/peer-matrix';
import { fetchJson } from '@/components/ui/fetch-json';

export type PeerMatrixState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; matrix: PeerMatrix; synthetic: boolean; asOf: string | null };

// The peer grid's data: the live fleet from /api/peers (every 2 s, once when pinned), or a synthetic
// matrix built in the browser for the 1,000 × 1,000 benchmark (never mixed with real data).
export function usePeerMatrix(opts: { at: string | null; synthetic: { rows: number; cols: number } | null }): PeerMatrixState {
  const { at, synthetic } = opts;
  const live = useQuery({
    queryKey: ['peers', at],
    queryFn: () => fetchJson(at ? `/api/peers?at=${encodeURIComponent(at)}` : '/api/peers', peerGridResponseSchema),
    refetchInterval: at ? false : 2_000,
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
