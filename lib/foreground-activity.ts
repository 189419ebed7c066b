// Requests someone is waiting for (pages, API reads), counted process-wide, so the agent embedded in the
// same process steps aside while they run (issue 13). A CPU profile at 1,000 simulated nodes showed the
// reads themselves at a few per cent of the server's event loop and the embedded agent (SSH, diagnosis,
// PGlite writes) at most of the rest: a read waited its turn behind poll work, not for its own. The agent
// waits at its step boundaries (before a poll, before ingest, before each store write) until no request
// runs, for at most `maxWaitMs` each time, so a page refreshed without pause cannot stop polling.
// Kept on globalThis: the custom server (scripts/server.ts) and the bundled app are separate module graphs.

export class ForegroundActivity {
  private active = 0;
  private waiters = new Set<() => void>();

  /** marks a request as running; call the returned function once when it ends (extra calls are ignored) */
  begin(): () => void {
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active--;
      if (this.active === 0) this.release();
    };
  }

  get running(): number {
    return this.active;
  }

  /** resolves once no request runs, or after `maxWaitMs`, whichever is first */
  idle(maxWaitMs: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.waiters.add(done);
    });
  }

  private release(): void {
    for (const done of [...this.waiters]) done();
  }
}

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
