import type { StoredEvent } from '../../event-store/event-store.port.js';
import { precisionOf } from '../domain/dates.js';

/** A stored event as the API shows it: every stored field, the actor lifted to the top. */
export function presentEvent(e: StoredEvent) {
  return {
    position: e.position,
    agreementId: e.streamId,
    version: e.version,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    occurredOn: e.occurredOn,
    datePrecision: precisionOf(e.occurredOn),
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    data: e.data,
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
