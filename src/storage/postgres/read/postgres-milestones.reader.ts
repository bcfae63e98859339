import type pg from 'pg';
import { rows } from '../postgres.database.js';
import { toPage } from '../../../agreements/read/page.js';
import {
  ALL_PARTIES,
  DUE_SOON_DAYS,
  type MilestoneStatus,
} from '../../../agreements/read/milestones/milestones.js';
import {
  judgeRow,
  keyOfMilestone,
  type MilestoneRow,
  type MilestoneFilter,
  type MilestoneKey,
  type MilestonesReader,
} from '../../../agreements/read/milestones/milestones.reader.js';

/**
 * The same rules as `judge` (and as the SQLite reader), in SQL, so a status filter pages
 * correctly. `today` and `soon` (today + DUE_SOON_DAYS) are parameter placeholders.
 */
function statusSql(status: MilestoneStatus, onToday: () => string, onSoon: () => string): string {
  const today = onToday();
  const pending = `(m.met_on IS NULL OR m.met_on > ${today})`;
  const soon = status === 'due_soon' || status === 'open' ? onSoon() : '';
  switch (status) {
    case 'met':
      return `m.met_on <= ${today} AND m.met_on <= m.due_by`;
    case 'met_late':
      return `m.met_on <= ${today} AND m.met_on > m.due_by`;
    case 'overdue':
      return `${pending} AND m.due_by < ${today}`;
    case 'due_soon':
      return `${pending} AND m.due_by >= ${today} AND m.due_by <= ${soon}`;
    case 'open':
      return `${pending} AND m.due_by > ${soon}`;
  }
}

/** An ISO date plus some days, as an ISO date. */
function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The PostgreSQL twin of SqliteMilestonesReader. */
export class PostgresMilestonesReader implements MilestonesReader {
  constructor(private readonly pool: pg.Pool) {}

  async list(filter: MilestoneFilter, today: string, limit: number, after?: MilestoneKey) {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.statuses && filter.statuses.length > 0) {
      // Placeholders made on first use: PostgreSQL refuses a parameter no clause refers to.
      let on: string | undefined;
      let soonOn: string | undefined;
      const today$ = () => (on ??= param(today));
      const soon$ = () => (soonOn ??= param(addDays(today, DUE_SOON_DAYS)));
      where.push(`(${filter.statuses.map((s) => `(${statusSql(s, today$, soon$)})`).join(' OR ')})`);
    }
    if (filter.owner === ALL_PARTIES) {
      where.push(`m.owner = ${param(ALL_PARTIES)}`);
    } else if (filter.owner !== undefined) {
      const owner = param(filter.owner);
      where.push(`(m.owner = ${owner} OR (m.owner = '${ALL_PARTIES}' AND EXISTS (
        SELECT 1 FROM agreement_status s
        WHERE s.id = m.agreement_id AND (s.state::jsonb -> 'parties') ? ${owner})))`);
    }
    if (filter.dueBefore !== undefined) where.push(`m.due_by < ${param(filter.dueBefore)}`);
    if (after) {
      where.push(
        `(m.due_on, m.agreement_id, m.milestone_id) > (${param(after.dueOn)}, ${param(after.agreementId)}, ${param(after.milestoneId)})`,
      );
    }
    const found = await rows<MilestoneRow>(
      this.pool,
      `SELECT m.agreement_id AS "agreementId", m.milestone_id AS "milestoneId", m.kind, m.description, m.owner,
              m.due_on AS "dueOn", m.met_on AS "metOn"
       FROM milestones m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY m.due_on, m.agreement_id, m.milestone_id LIMIT ${param(limit + 1)}`,
      params,
    );
    const views = found.map((row) => judgeRow(row, today));
    return toPage(views, limit, keyOfMilestone);
  }
}
