import { randomUUID } from 'node:crypto';

/**
 * A new event id: a UUID version 7 (RFC 9562), whose first 48 bits are the time in
 * milliseconds and the rest random. Ids made close in time sort close together, so the
 * store's unique index on event ids grows at its end instead of at a random page: each
 * append dirties one page fewer, and a large store keeps that index's working set small.
 * Ids that clients send (any UUID) are stored as sent.
 */
export function newEventId(now: number = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  // randomUUID is 'xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx': keep its random bits and variant.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
