import type { StoredEvent } from '../../event-store/event-store.port.js';
import { isAgreementEventType, type AgreementEvent } from '../domain/agreement.events.js';

/** The domain event inside a stored one, or undefined for events of other kinds. */
export function toAgreementEvent(e: StoredEvent): (AgreementEvent & { streamId: string }) | undefined {
  if (!isAgreementEventType(e.type)) return undefined;
  return { type: e.type, occurredOn: e.occurredOn, data: e.data, streamId: e.streamId } as AgreementEvent & {
    streamId: string;
  };
}

/** Groups a batch by stream, keeping each stream's events in order. */
export function byStream(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const groups = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const group = groups.get(e.streamId);
    if (group) group.push(e);
    else groups.set(e.streamId, [e]);
  }
  return groups;
}
