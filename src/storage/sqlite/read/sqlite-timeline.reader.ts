import type { Database } from 'better-sqlite3';
import { toPage } from '../../../agreements/read/page.js';
import {
  timelineItem,
  timelineKey,
  type TimelineRow,
} from '../../../agreements/read/timeline/timeline.entry.js';
import type {
  TimelineFilter,
  TimelineKey,
  TimelineReader,
} from '../../../agreements/read/timeline/timeline.reader.js';

export class SqliteTimelineReader implements TimelineReader {
  constructor(private readonly db: Database) {}

  async list(filter: TimelineFilter, limit: number, after?: TimelineKey) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.agreementId) {
      where.push('agreement_id = ?');
      params.push(filter.agreementId);
    }
    if (filter.party) {
      where.push('agreement_id IN (SELECT agreement_id FROM agreement_parties WHERE party = ?)');
      params.push(filter.party);
    }
    if (filter.from) {
      where.push('occurred_from >= ?');
      params.push(filter.from);
    }
    if (filter.to) {
      where.push('occurred_from <= ?');
      params.push(filter.to);
    }
    if (filter.type) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (after) {
      where.push('(occurred_from, position) > (?, ?)');
      params.push(after.occurredOn, after.position);
    }
    const rows = this.db
      .prepare<unknown[], TimelineRow>(
        `SELECT position, agreement_id AS agreementId, version, type, occurred_on AS occurredOn,
                recorded_at AS recordedAt, actor, summary, retracted_reason AS retractedReason
         FROM timeline ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY occurred_from, position LIMIT ?`,
      )
      .all(...params, limit + 1);
    return toPage(rows.map(timelineItem), limit, timelineKey);
  }
}
