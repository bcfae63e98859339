import type pg from 'pg';
import { rows } from '../postgres.database.js';
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

/** The PostgreSQL twin of SqliteTimelineReader. */
export class PostgresTimelineReader implements TimelineReader {
  constructor(private readonly pool: pg.Pool) {}

  async list(filter: TimelineFilter, limit: number, after?: TimelineKey) {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.agreementId) where.push(`agreement_id = ${param(filter.agreementId)}`);
    if (filter.party) {
      where.push(
        `agreement_id IN (SELECT agreement_id FROM agreement_parties WHERE party = ${param(filter.party)})`,
      );
    }
    if (filter.from) where.push(`occurred_from >= ${param(filter.from)}`);
    if (filter.to) where.push(`occurred_from <= ${param(filter.to)}`);
    if (filter.type) where.push(`type = ${param(filter.type)}`);
    if (after)
      where.push(`(occurred_from, position) > (${param(after.occurredOn)}, ${param(after.position)})`);
    const found = await rows<TimelineRow>(
      this.pool,
      `SELECT position, agreement_id AS "agreementId", version, type, occurred_on AS "occurredOn",
              recorded_at AS "recordedAt", actor, summary, retracted_reason AS "retractedReason"
       FROM timeline ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY occurred_from, position LIMIT ${param(limit + 1)}`,
      params,
    );
    return toPage(found.map(timelineItem), limit, timelineKey);
  }
}
