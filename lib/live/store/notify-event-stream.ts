import 'server-only';
import { getDb } from '@/lib/db';
import { sseComment, sseEvent } from '@/lib/live/sse-format';
import { PollFanout } from './notify-fanout';
import { LiveRows, type LiveRowsUpdate } from './notify-live-rows';

// The body of GET /api/events: a hello with the server time, then one `poll` event per batch of
// committed polls (any agent, any machine), and a keep-alive comment while the fleet is quiet. With rows
// (the default), also the changed rows of the live grids: `fleet-rows` (the fleet rows of the nodes just
// polled or just turned stale), `peer-rows` (the peer grid's changed rows, from one version to the next)
// and `peer-reset` (the grid's columns or rows moved: read it again).

export interface PollEventStreamOptions {
  fanout?: PollFanout;
  signal?: AbortSignal;
  now?: () => Date;
  /** polls committed within this window go out as one event (a 1,000-node fleet commits ~200 polls/s) */
  batchMs?: number;
  keepAliveMs?: number;
  /** the process's live rows feed; `false`: poll events only */
  rows?: LiveRows | false;
}

/** the most node names one event carries; the client refetches the same either way */
const MAX_NODES_PER_EVENT = 100;

const holder = globalThis as unknown as { __fnhPollFanout?: PollFanout; __fnhLiveRows?: LiveRows };
function processFanout(): PollFanout {
  holder.__fnhPollFanout ??= new PollFanout(getDb);
  return holder.__fnhPollFanout;
}
function processLiveRows(): LiveRows {
  holder.__fnhLiveRows ??= new LiveRows(processFanout());
  return holder.__fnhLiveRows;
}

export async function openPollEventStream(opts: PollEventStreamOptions = {}): Promise<ReadableStream<Uint8Array>> {
  const fanout = opts.fanout ?? processFanout();
  const now = opts.now ?? (() => new Date());
  const batchMs = opts.batchMs ?? 250;
  const encoder = new TextEncoder();
  const batch = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const send = (text: string) => {
    if (closed || !controllerRef) return;
    try {
      controllerRef.enqueue(encoder.encode(text));
    } catch {
      cleanup(); // the client went away between two events
    }
  };
  const flush = () => {
    flushTimer = undefined;
    const nodes = [...batch];
    batch.clear();
    if (nodes.length > 0) send(sseEvent('poll', { count: nodes.length, nodes: nodes.slice(0, MAX_NODES_PER_EVENT), at: now().toISOString() }));
  };
  // Subscribed before the response starts: a poll committed after the hello is always delivered.
  const unsubscribe = await fanout.subscribe({
    onPoll(node) {
      batch.add(node);
      flushTimer ??= setTimeout(flush, batchMs);
    },
    onLost() {
      // End the stream: the browser's EventSource reconnects after `retry` and subscribes to a fresh LISTEN.
      const controller = controllerRef;
      cleanup();
      try {
        controller?.close();
      } catch {
        // already closed by the client
      }
    },
  });
  const rows = opts.rows === undefined ? (opts.fanout ? false : processLiveRows()) : opts.rows;
  const unsubscribeRows = rows
    ? await rows.subscribe({
        onRows(update: LiveRowsUpdate) {
          if (update.fleet) send(sseEvent('fleet-rows', update.fleet));
          if (update.peers?.kind === 'rows' && update.peers.rows.length > 0) send(sseEvent('peer-rows', update.peers));
          if (update.peers?.kind === 'reset') send(sseEvent('peer-reset', update.peers));
        },
      })
    : undefined;
  function cleanup(): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    unsubscribeRows?.();
    clearTimeout(flushTimer);
    clearInterval(keepAlive);
    opts.signal?.removeEventListener('abort', cleanup);
  }
  opts.signal?.addEventListener('abort', cleanup);

  return new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      send(sseEvent('hello', { serverTime: now().toISOString() }, { retryMs: 3_000 }));
      keepAlive = setInterval(() => send(sseComment('keep-alive')), opts.keepAliveMs ?? 15_000);
    },
    cancel() {
      cleanup();
    },
  });
}
