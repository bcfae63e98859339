import type { StoredEvent } from '../../../event-store/event-store.port.js';
import { toAgreementEvent } from '../agreement-events.js';
import { summarize } from './timeline.summary.js';
import { periodStart, precisionOf, type DatePrecision } from '../../domain/dates.js';

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

/** A timeline item as read: the entry with its date's precision, and marked when it was retracted. */
export interface TimelineItem extends TimelineEntry {
  datePrecision: DatePrecision;
  retracted?: true;
  retractionReason?: string;
}

/** A timeline row as stored: the entry and, once retracted, the retraction's reason. */
export type TimelineRow = TimelineEntry & { retractedReason: string | null };

export function timelineItem({ retractedReason, ...entry }: TimelineRow): TimelineItem {
  return {
    ...entry,
    datePrecision: precisionOf(entry.occurredOn),
    ...(retractedReason !== null ? { retracted: true as const, retractionReason: retractedReason } : {}),
  };
}

/** Timeline order is the period's start, then position: the key of its cursors. */
export const timelineKey = (item: TimelineEntry) => ({
  occurredOn: periodStart(item.occurredOn),
  position: item.position,
});

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
