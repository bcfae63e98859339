import type { Page } from '../page.js';
import type { TimelineItem } from './timeline.entry.js';

/** Timeline order: the start of the business date's period, then position. */
export interface TimelineKey {
  /** The first day of the date's period. */
  occurredOn: string;
  position: number;
}

export interface TimelineFilter {
  agreementId?: string;
  party?: string;
  from?: string;
  to?: string;
  type?: string;
}

export interface TimelineReader {
  list(filter: TimelineFilter, limit: number, after?: TimelineKey): Promise<Page<TimelineItem, TimelineKey>>;
}

export const TIMELINE_READER = Symbol('TimelineReader');
