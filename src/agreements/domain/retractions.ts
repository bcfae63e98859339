import type { AgreementEvent } from './agreement.events.js';

/** An event as the stream holds it: with the id a retraction names it by. */
export type RecordedEvent = AgreementEvent & { eventId: string };

/** The ids of the events that retractions in the list declare recorded in error. */
export function retractedIds(events: Iterable<{ type: string; data: unknown }>): Set<string> {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.type === 'EventRetracted') ids.add((e.data as { eventId: string }).eventId);
  }
  return ids;
}

/**
 * The events every read model folds: the stream as if the retracted events had never been
 * recorded (the retractions themselves change nothing but that).
 */
export function liveEvents<E extends { eventId: string; type: string; data: unknown }>(
  events: readonly E[],
): E[] {
  const retracted = retractedIds(events);
  if (retracted.size === 0) return events.filter((e) => e.type !== 'EventRetracted');
  return events.filter((e) => e.type !== 'EventRetracted' && !retracted.has(e.eventId));
}

/** True when the list holds a retraction (a read model must then refold its stream). */
export const hasRetraction = (events: readonly { type: string }[]): boolean =>
  events.some((e) => e.type === 'EventRetracted');
