import type { NewEvent, StoredEvent } from './event-store.port.js';
import { newEventId } from './event-id.js';
import { eventHash, GENESIS_HASH } from './hashing.js';

/** A new event as it will be stored, before the database gives it a position. */
export type ChainedEvent = Omit<StoredEvent, 'position'>;

/**
 * New events as they will be stored after a stream's head: the next versions, an id where the
 * client gave none, and the stream's hash chain continued (each hash covers the one before).
 */
export function chainEvents(
  streamId: string,
  head: { version: number; hash: string } | undefined,
  events: readonly NewEvent[],
  recordedAt: string,
): ChainedEvent[] {
  const current = head?.version ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  return events.map((e, i) => {
    const fields = {
      streamId,
      version: current + i + 1,
      eventId: e.eventId ?? newEventId(),
      type: e.type,
      schemaVersion: e.schemaVersion ?? 1,
      data: e.data,
      metadata: e.metadata,
      occurredOn: e.occurredOn,
      recordedAt,
    };
    const hash = eventHash(prevHash, fields);
    const event = { ...fields, prevHash, hash };
    prevHash = hash;
    return event;
  });
}
