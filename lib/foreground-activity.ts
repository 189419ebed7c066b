// Requests someone is waiting for (pages, API reads), counted process-wide, so the agent embedded in the
// same process steps aside while they run (issue 13). A CPU profile at 1,000 simulated nodes showed the
// reads themselves at a few per cent of the server's event loop and the embedded agent (SSH, diagnosis,
// PGlite writes) at most of the rest: a read waited its turn behind poll work, not for its own. The agent
// waits at its step boundaries (before a poll, before ingest, before each store write) until no request
// runs, for at most `maxWaitMs` each time, so a page refreshed without pause cannot stop polling.
// Kept on globalThis: the custom server (scripts/server.ts) and the bundled app are separate module graphs.
// The embedded agent runs in a worker thread (agents/embedded-worker.ts): it follows the server thread's count
// through shared memory (`shared()` there, `follow()` in the worker).

export class ForegroundActivity {
  private active = 0;
  private waiters = new Set<() => void>();
  /** this thread's count, readable by other threads (the embedded agent's worker), once someone asked for it */
  private published?: Int32Array;
  /** another thread's count (the dashboard's), followed by a worker that answers no requests itself */
  private followed?: Int32Array;

  /** marks a request as running; call the returned function once when it ends (extra calls are ignored) */
  begin(): () => void {
    this.active++;
    if (this.published) Atomics.add(this.published, 0, 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active--;
      if (this.published) Atomics.sub(this.published, 0, 1);
      if (this.active === 0) this.release();
    };
  }

  get running(): number {
    return this.active + (this.followed ? Atomics.load(this.followed, 0) : 0);
  }

  /**
   * The count as shared memory for another thread to follow (`follow`): the embedded agent runs in a worker
   * thread while the dashboard's thread counts the requests.
   */
  shared(): Int32Array {
    if (!this.published) {
      this.published = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
      Atomics.store(this.published, 0, this.active);
    }
    return this.published;
  }

  /** From now on `running` and `idle` also count the requests of the thread that shared `counter`. */
  follow(counter: Int32Array): void {
    this.followed = counter;
  }

  /** resolves once no request runs, or after `maxWaitMs`, whichever is first */
  idle(maxWaitMs: number): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let check: ReturnType<typeof setInterval> | undefined;
      const done = () => {
        clearTimeout(timer);
        clearInterval(check);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.waiters.add(done);
      // another thread's requests end without telling this one: look at its count every few milliseconds
      if (this.followed) check = setInterval(() => this.running === 0 && done(), FOLLOW_CHECK_MS);
    });
  }

  private release(): void {
    if (this.running > 0) return;
    for (const done of [...this.waiters]) done();
  }
}

/** How often a waiting worker looks at the dashboard thread's count. */
const FOLLOW_CHECK_MS = 5;

const holder = globalThis as unknown as { __fnhForeground?: ForegroundActivity };
export const foregroundActivity: ForegroundActivity = (holder.__fnhForeground ??= new ForegroundActivity());

/** How long one agent step waits for requests to finish before it goes ahead anyway. */
export const AGENT_YIELD_MAX_MS = 200;

/** The agent's yield point: waits (bounded) while pages or API reads are being answered. */
export const yieldToForeground = (): Promise<void> => foregroundActivity.idle(AGENT_YIELD_MAX_MS);

/**
 * Whether a request is one a person waits for: page loads and API reads. Not the live event stream (it
 * stays open for hours), the health probe, or static assets (served from files, no agent contention).
 */
export function isForegroundRequest(method: string | undefined, url: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return false;
  const pathname = (url ?? '/').split('?')[0]!;
  if (pathname.startsWith('/_next/static/') || pathname === '/favicon.ico') return false;
  if (pathname === '/api/events' || pathname === '/api/health') return false;
  return true;
}
