import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { toAgreementEvent } from '../agreement-events.js';
import { summarize } from './timeline.summary.js';

export interface TimelineEntry {
  position: number;
  agreementId: string;
  version: number;
  type: string;
  occurredOn: string;
  recordedAt: string;
  actor: string;
  summary: string;
}

/** Pure: the timeline row of one stored event, or undefined for non-agreement events. */
export function timelineEntry(e: StoredEvent): TimelineEntry | undefined {
  const event = toAgreementEvent(e);
  if (!event) return undefined;
  return {
    position: e.position,
    agreementId: e.streamId,
    version: e.version,
    type: e.type,
    occurredOn: e.occurredOn,
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    summary: summarize(event),
  };
}
