import type { NewEvent, StoredEvent } from './event-store.port.js';

/** What a retried event must repeat of the stored one (its metadata, who sent it, may differ). */
export type ReplayedField = 'type' | 'occurredOn' | 'data';

/**
 * The first of type, occurredOn and data in which an event sent again under a stored event id
 * differs from the stored event, or undefined when it is the same event. Data is compared as JSON
 * values (key order aside).
 */
export function replayMismatch(
  stored: Pick<StoredEvent, 'type' | 'occurredOn' | 'data'>,
  sent: NewEvent,
): ReplayedField | undefined {
  if (stored.type !== sent.type) return 'type';
  if (stored.occurredOn !== sent.occurredOn) return 'occurredOn';
  if (canonical(stored.data) !== canonical(sent.data)) return 'data';
  return undefined;
}

/** JSON with object keys sorted, so that two equal values give the same text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
