import type { StoredEvent } from './event-store.port.js';

/** An `events` row as both databases return it (JSON columns as text). */
export interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  occurred_on: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

/** A stored row as the port's StoredEvent, as stored (not upcast). */
export function eventOf(row: EventRow): StoredEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
    occurredOn: row.occurred_on,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A StoredEvent as its `events` row (JSON columns as text): the inverse of eventOf. */
export function rowOf(event: StoredEvent): EventRow {
  return {
    position: event.position,
    stream_id: event.streamId,
    version: event.version,
    event_id: event.eventId,
    type: event.type,
    schema_version: event.schemaVersion,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata),
    occurred_on: event.occurredOn,
    recorded_at: event.recordedAt,
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}
