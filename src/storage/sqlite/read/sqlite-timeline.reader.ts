import type { Database } from 'better-sqlite3';
import { toPage } from '../../../agreements/read/page.js';
import type { TimelineEntry } from '../../../agreements/read/timeline/timeline.entry.js';
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
      where.push('occurred_on >= ?');
      params.push(filter.from);
    }
    if (filter.to) {
      where.push('occurred_on <= ?');
      params.push(filter.to);
    }
    if (filter.type) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (after) {
      where.push('(occurred_on, position) > (?, ?)');
      params.push(after.occurredOn, after.position);
    }
    const rows = this.db
      .prepare<unknown[], TimelineEntry>(
        `SELECT position, agreement_id AS agreementId, version, type, occurred_on AS occurredOn,
                recorded_at AS recordedAt, actor, summary
         FROM timeline ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY occurred_on, position LIMIT ?`,
      )
      .all(...params, limit + 1);
    return toPage(rows, limit, (r) => ({ occurredOn: r.occurredOn, position: r.position }));
  }
}
