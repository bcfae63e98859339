import { PgListener } from '../pg-listener.js';
import type { StoredEvent } from '../../../event-store/event-store.port.js';

export interface FeedFollowerOptions {
  /** The stored events after a position, in position order: one page of at most PAGE events. */
  readAfter(after: number, limit: number): Promise<StoredEvent[]>;
  head(): Promise<number>;
  emit(event: StoredEvent): void;
  /** Where other instances announce their commits; absent: this instance's own commits only. */
  listen?: { url: string; channel: string; pollIntervalMs?: number };
}

/** Events read per catch-up query. */
const PAGE = 1000;

/**
 * Feeds `appended$` with every committed event, in position order, each once, whichever
 * instance wrote it. Positions commit in order (see PostgresEventStore), so following the
 * global feed from the last position emitted never skips an event.
 *
 * This instance's own commits are emitted straight away when they follow on from the last
 * emitted position; otherwise (another instance wrote in between) the gap is read from the
 * table. Other instances' commits arrive by NOTIFY; a slow poll covers notifications lost
 * while the listening connection was down. All work runs one task at a time, in order.
 */
export class FeedFollower {
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  private listener: PgListener | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The last positions of this instance's commits in flight: their notifications need no read. */
  private readonly own = new Set<number>();

  private constructor(
    private readonly options: FeedFollowerOptions,
    head: number,
  ) {
    this.last = head;
  }

  static async start(options: FeedFollowerOptions): Promise<FeedFollower> {
    const follower = new FeedFollower(options, 0);
    // Listen first, then read the head: a commit in between is both notified and above the head.
    if (options.listen) {
      follower.listener = await PgListener.start({
        url: options.listen.url,
        channel: options.listen.channel,
        notified: (payload) => follower.notified(Number(payload)),
        // Reconnected: catch up on what was committed while the connection was down.
        resumed: () => follower.poke(),
      });
    }
    follower.last = await options.head();
    if (options.listen) {
      const every = options.listen.pollIntervalMs ?? 1000;
      follower.timer = setInterval(() => follower.poke(), every);
      follower.timer.unref();
    }
    return follower;
  }

  /** The last position emitted. */
  get position(): number {
    return this.last;
  }

  /** This instance is about to commit up to `last`: its own notification is not a reason to read. */
  committing(last: number): void {
    this.own.add(last);
  }

  /** The commit up to `last` failed (or its outcome is unknown): a notification of `last` is another's. */
  abandoned(last: number): void {
    this.own.delete(last);
  }

  /** Events this instance has just committed, in position order. */
  committed(events: readonly StoredEvent[]): void {
    this.enqueue(async () => {
      this.own.delete(events[events.length - 1]!.position);
      if (events[0]!.position === this.last + 1) {
        for (const e of events) this.emitInOrder(e);
      } else {
        await this.catchUp();
      }
    });
  }

  /** Something was committed somewhere: read what follows the last emitted position. */
  poke(): void {
    this.enqueue(() => this.catchUp());
  }

  /**
   * Another commit up to `last` somewhere. This instance's own commits are emitted by
   * `committed`, and a position already emitted needs nothing: either way no read.
   */
  private notified(last: number): void {
    if (!Number.isSafeInteger(last)) return this.poke();
    if (this.own.has(last)) return;
    this.enqueue(() => (last <= this.last ? Promise.resolve() : this.catchUp()));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // Deliver what is already queued (this instance's last commits), then take nothing more.
    await this.chain;
    this.stopped = true;
    await this.chain;
    await this.listener?.stop();
  }

  private enqueue(task: () => Promise<void>): void {
    // A failed read (database away) is retried by the next notification or poll.
    this.chain = this.chain.then(() => (this.stopped ? undefined : task())).catch(() => undefined);
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.options.readAfter(this.last, PAGE);
      for (const e of page) this.emitInOrder(e);
      // A short page is the end: no second read to find nothing.
      if (page.length < PAGE || this.stopped) return;
    }
  }

  private emitInOrder(e: StoredEvent): void {
    if (e.position <= this.last) return;
    this.last = e.position;
    this.options.emit(e);
  }
}
