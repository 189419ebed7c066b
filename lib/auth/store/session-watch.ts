import 'server-only';
import { sseEvent } from '../../live/sse-format';
import { getDb, type Db } from '../../db';
import { userForSession } from './session';
import { readSetting } from '../../settings/settings';

/** How often a long-lived response checks that its session still exists: FNH_SESSION_RECHECK_MS, default 10 s. */
export const sessionRecheckMs = recheckMsFrom(process.env.FNH_SESSION_RECHECK_MS);

export function recheckMsFrom(raw: string | undefined): number {
  return readSetting('FNH_SESSION_RECHECK_MS', raw);
}

/**
 * Passes an event stream through while the session that opened it lasts. proxy.ts checks the session
 * once, when the request arrives; a stream lives for hours, so after sign-out, expiry, or an admin
 * disabling or changing the account, this ends it (with a `signed-out` event) within `everyMs`. The
 * browser's EventSource then reconnects into proxy.ts, which answers 401, and stops.
 */
export function endWithSession(
  inner: ReadableStream<Uint8Array>,
  opts: { token: string | undefined; db?: () => Promise<Db>; everyMs?: number; now?: () => Date },
): ReadableStream<Uint8Array> {
  const reader = inner.getReader();
  const now = opts.now ?? (() => new Date());
  const db = opts.db ?? getDb;
  let timer: ReturnType<typeof setInterval> | undefined;
  let ended = false;
  const stop = () => {
    ended = true;
    clearInterval(timer);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        void (async () => {
          const user = await userForSession(await db(), opts.token, now()).catch(() => undefined);
          if (user || ended) return;
          stop();
          try {
            controller.enqueue(new TextEncoder().encode(sseEvent('signed-out', {})));
            controller.close();
          } catch {
            // the client already went away
          }
          await reader.cancel().catch(() => undefined);
        })();
      }, opts.everyMs ?? sessionRecheckMs);
    },
    async pull(controller) {
      const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (ended) return;
      if (done) {
        stop();
        controller.close();
        return;
      }
      controller.enqueue(value);
    },
    async cancel(reason) {
      stop();
      await reader.cancel(reason);
    },
  });
}
