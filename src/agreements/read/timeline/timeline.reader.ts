import type { Page } from '../page.js';
import type { TimelineEntry } from './timeline.entry.js';

/** Timeline order: business date, then position. */
export interface TimelineKey {
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
  list(filter: TimelineFilter, limit: number, after?: TimelineKey): Promise<Page<TimelineEntry, TimelineKey>>;
}

export const TIMELINE_READER = Symbol('TimelineReader');
