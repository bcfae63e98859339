import { Observable } from 'rxjs';
import type { EventStore, StoredEvent } from '../event-store/event-store.port.js';

export interface LiveFeedOptions {
  /** Replay what was stored after this position first; absent: only events committed from now on. */
  after?: number;
  /** Only this agreement's events. */
  agreementId?: string;
  /** Events read per replay query. */
  pageSize?: number;
}

/**
 * The global feed from a position onwards, without gaps or duplicates: stored events are
 * replayed from the store, then committed ones follow from `appended$`.
 *
 * The live subscription is opened before the first read, and what it delivers during the
 * replay is held back. Every event is therefore either already committed when a replay
 * read runs (so that read returns it) or committed later (so the subscription sees it);
 * the overlap is dropped by position, which only grows, in the replay and in `appended$`.
 */
export function liveFeed(store: EventStore, options: LiveFeedOptions = {}): Observable<StoredEvent> {
  const { after, agreementId, pageSize = 500 } = options;
  const wanted = (e: StoredEvent) => agreementId === undefined || e.streamId === agreementId;

  return new Observable<StoredEvent>((subscriber) => {
    let last = after ?? 0;
    let replaying = after !== undefined;
    const heldBack: StoredEvent[] = [];
    const emit = (e: StoredEvent) => {
      if (e.position <= last || !wanted(e)) return;
      last = e.position;
      subscriber.next(e);
    };

    const live = store.appended$.subscribe({
      next: (e) => (replaying ? heldBack.push(e) : emit(e)),
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    });

    const replay = async () => {
      if (agreementId !== undefined) {
        // One agreement's events come from its own stream: a short read, not a scan of the feed.
        (await store.readStream(agreementId, { raw: true })).forEach(emit);
      } else {
        for (let from = last; !subscriber.closed;) {
          const page = await store.readAll({ after: from, limit: pageSize, raw: true });
          page.forEach(emit);
          if (page.length < pageSize) break;
          from = page[page.length - 1]!.position;
        }
      }
      replaying = false;
      heldBack.splice(0).forEach(emit);
    };
    if (replaying) replay().catch((error: unknown) => subscriber.error(error));

    return () => live.unsubscribe();
  });
}
