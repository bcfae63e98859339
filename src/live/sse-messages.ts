import type { MessageEvent } from '@nestjs/common';
import { map, Observable } from 'rxjs';
import { presentEvent } from '../agreements/http/event.presenter.js';
import type { StoredEvent } from '../event-store/event-store.port.js';

/** How long a browser waits before reconnecting after the connection drops (sent as `retry:`). */
export const RECONNECT_MS = 1000;

/** A comment line (": heartbeat"): EventSource clients ignore it, proxies see traffic. */
export const HEARTBEAT: MessageEvent = { comment: 'heartbeat' };

/** One plain `message` per stored event: `id` = global position, `data` = the event as the API shows it. */
export function toMessage(e: StoredEvent): MessageEvent {
  return { id: String(e.position), data: presentEvent(e), retry: RECONNECT_MS };
}

/**
 * For a client that connected without a position: a `position` event (which `onmessage` does not
 * see) whose id is the store's head. EventSource keeps it as its last event id, so if the
 * connection drops before any event arrives, the reconnection resumes from there and misses nothing.
 */
export function positionMessage(head: number): MessageEvent {
  return { type: 'position', id: String(head), data: { position: head }, retry: RECONNECT_MS };
}

/**
 * The event messages (after `first`, if given), with a heartbeat comment every `heartbeatMs` so idle
 * connections stay open through proxies. Ends (and stops the heartbeat) when the events end.
 */
export function sseMessages(
  events: Observable<StoredEvent>,
  heartbeatMs: number,
  first?: MessageEvent,
): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    if (first) subscriber.next(first);
    const heartbeat = setInterval(() => subscriber.next(HEARTBEAT), heartbeatMs);
    const subscription = events.pipe(map(toMessage)).subscribe(subscriber);
    return () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    };
  });
}
