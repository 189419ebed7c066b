import 'server-only';
import type { Db } from '@/lib/db';
import { listenPolls } from './notify-poll';

// One LISTEN per dashboard process, shared by every open event stream: a hundred browser tabs must not
// take a hundred database connections. The subscriber list is the only state kept here; everything a
// page shows is read from the database when the page refetches.

export interface PollSubscriber {
  onPoll(node: string): void;
  /** the shared LISTEN died with its connection: this subscription is over (subscribe again to resume) */
  onLost?(): void;
}

export class PollFanout {
  private readonly subscribers = new Set<PollSubscriber>();
  private listening?: Promise<() => Promise<void>>;

  constructor(private readonly db: () => Promise<Pick<Db, 'listen'>>) {}

  /** Resolves once LISTEN is in place, so no poll committed afterwards is missed; returns the unsubscribe. */
  async subscribe(subscriber: PollSubscriber): Promise<() => void> {
    this.listening ??= this.db()
      .then((db) =>
        listenPolls(
          db,
          (node) => this.publish(node),
          () => this.lost(),
        ),
      )
      .catch((err: unknown) => {
        this.listening = undefined; // the next subscriber tries again
        throw err;
      });
    await this.listening;
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** The next subscribe LISTENs anew; current subscribers are told, so browsers reconnect and land there. */
  private lost(): void {
    this.listening = undefined;
    const gone = [...this.subscribers];
    this.subscribers.clear();
    for (const s of gone) s.onLost?.();
  }

  /** Ends the LISTEN (it holds one database connection until then). */
  async close(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    this.subscribers.clear();
    const unlisten = await listening?.catch(() => undefined);
    await unlisten?.();
  }

  get size(): number {
    return this.subscribers.size;
  }

  private publish(node: string): void {
    for (const s of this.subscribers) {
      try {
        s.onPoll(node);
      } catch (err) {
        console.error('live update subscriber failed', err);
      }
    }
  }
}
