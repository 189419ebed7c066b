import 'server-only';
import type { Db } from '../../db';
import { REMEDIATION_DONE_CHANNEL } from './dispatch';
import { errorMessage } from '../../errors';

// A dashboard waiting for a lease holder (to take a run, or to answer a status read) wakes on the agent's
// NOTIFY, and checks the store on a short timer as well: a NOTIFY lost with its connection, or never
// delivered, delays the answer by one poll, never loses it. One LISTEN per process, shared by every wait.

type Wake = () => void;

export class DispatchSignals {
  private listening?: Promise<void>;
  private readonly waiters = new Map<string, Set<Wake>>();
  private unlisten?: () => Promise<void>;
  private closed = false;

  constructor(private readonly db: () => Promise<Pick<Db, 'listen'>>) {}

  /**
   * Calls `check` now, on every signal for `id`, and every `pollMs`, until it returns a value (returned)
   * or `timeoutMs` has passed (undefined).
   */
  async waitFor<T>(id: string, check: () => Promise<T | undefined>, opts: { timeoutMs: number; pollMs?: number }): Promise<T | undefined> {
    await this.ensureListening();
    const pollMs = opts.pollMs ?? 500;
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      // Armed before the check, so a signal that arrives while the check runs is not missed.
      const wake = this.nextWake(id, Math.max(0, Math.min(pollMs, deadline - Date.now())));
      try {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() >= deadline) return undefined;
        await wake.promise;
      } finally {
        wake.cancel();
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    this.listening = undefined;
    await unlisten?.().catch(() => undefined);
  }

  private nextWake(id: string, ms: number): { promise: Promise<void>; cancel: () => void } {
    let wake!: Wake;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(wake, ms);
    const set = this.waiters.get(id) ?? new Set<Wake>();
    set.add(wake);
    this.waiters.set(id, set);
    return {
      promise,
      cancel: () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
      },
    };
  }

  /** A failed or lost LISTEN leaves the timer doing the work; the next wait tries to LISTEN again. */
  private ensureListening(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.listening ??= this.db()
      .then((db) =>
        db.listen(
          REMEDIATION_DONE_CHANNEL,
          (id) => {
            for (const wake of this.waiters.get(id) ?? []) wake();
          },
          () => {
            this.listening = undefined;
            this.unlisten = undefined;
          },
        ),
      )
      .then(async (unlisten) => {
        if (this.closed) await unlisten();
        else this.unlisten = unlisten;
      })
      .catch((err: unknown) => {
        console.error(`remediation: LISTEN ${REMEDIATION_DONE_CHANNEL} failed, checking the store on a timer instead: ${errorMessage(err)}`);
        this.listening = undefined;
      });
    return this.listening;
  }
}
