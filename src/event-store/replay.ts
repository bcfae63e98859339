import { EventIdConflict, type NewEvent, type ReplayedField, type StoredEvent } from './event-store.port.js';
import { canonicalJson } from './hashing.js';

/**
 * The first of type, occurredOn and data in which an event sent again under a stored event id
 * differs from the stored event, or undefined when it is the same event. Data is compared as JSON
 * values (key order aside).
 */
function replayMismatch(
  stored: Pick<StoredEvent, 'type' | 'occurredOn' | 'data'>,
  sent: NewEvent,
): ReplayedField | undefined {
  if (stored.type !== sent.type) return 'type';
  if (stored.occurredOn !== sent.occurredOn) return 'occurredOn';
  if (canonicalJson(stored.data) !== canonicalJson(sent.data)) return 'data';
  return undefined;
}

/**
 * The store's one duplicate check, for every adapter. `found` holds, for each event of the append,
 * the stored event with its id (undefined when its id is new or it has none). None found: a new
 * append (undefined). All found, in this stream, in order, each the same event: a retry, answered
 * with the stored events. Anything else is 409 EventIdConflict, naming what differs where it can.
 */
export function retriedAppend(
  streamId: string,
  events: readonly NewEvent[],
  found: readonly (StoredEvent | undefined)[],
): StoredEvent[] | undefined {
  const hits = found.filter((e): e is StoredEvent => e !== undefined);
  if (hits.length === 0) return undefined;
  const first = hits[0]!;
  const sameAppend =
    hits.length === events.length &&
    hits.every((e, i) => e.streamId === streamId && e.version === first.version + i);
  if (!sameAppend) throw new EventIdConflict(first.eventId);
  hits.forEach((e, i) => {
    const field = replayMismatch(e, events[i]!);
    if (field) throw new EventIdConflict(e.eventId, field);
  });
  return hits;
}
