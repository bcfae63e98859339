import type { Database } from 'better-sqlite3';
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

const PENDING = '(m.met_on IS NULL OR m.met_on > @today)';
const SOON = `date(@today, '+${DUE_SOON_DAYS} days')`;

/** The same rules as `judge`, in SQL, so a status filter pages correctly. */
const STATUS_SQL: Record<MilestoneStatus, string> = {
  met: 'm.met_on <= @today AND m.met_on <= m.due_by',
  met_late: 'm.met_on <= @today AND m.met_on > m.due_by',
  overdue: `${PENDING} AND m.due_by < @today`,
  due_soon: `${PENDING} AND m.due_by >= @today AND m.due_by <= ${SOON}`,
  open: `${PENDING} AND m.due_by > ${SOON}`,
};

export class SqliteMilestonesReader implements MilestonesReader {
  constructor(private readonly db: Database) {}

  async list(filter: MilestoneFilter, today: string, limit: number, after?: MilestoneKey) {
    const where: string[] = [];
    const params: Record<string, unknown> = { today, limit: limit + 1 };
    if (filter.statuses && filter.statuses.length > 0) {
      where.push(`(${filter.statuses.map((s) => `(${STATUS_SQL[s]})`).join(' OR ')})`);
    }
    if (filter.owner === ALL_PARTIES) {
      where.push('m.owner = @owner');
      params.owner = ALL_PARTIES;
    } else if (filter.owner !== undefined) {
      where.push(`(m.owner = @owner OR (m.owner = '${ALL_PARTIES}' AND EXISTS (
        SELECT 1 FROM agreement_status s, json_each(s.state, '$.parties') p
        WHERE s.id = m.agreement_id AND p.value = @owner)))`);
      params.owner = filter.owner;
    }
    if (filter.dueBefore !== undefined) {
      where.push('m.due_by < @dueBefore');
      params.dueBefore = filter.dueBefore;
    }
    if (after) {
      where.push(
        '(m.due_on, m.agreement_id, m.milestone_id) > (@afterDue, @afterAgreement, @afterMilestone)',
      );
      Object.assign(params, {
        afterDue: after.dueOn,
        afterAgreement: after.agreementId,
        afterMilestone: after.milestoneId,
      });
    }
    const rows = this.db
      .prepare<[Record<string, unknown>], MilestoneRow>(
        `SELECT m.agreement_id AS agreementId, m.milestone_id AS milestoneId, m.kind, m.description, m.owner,
                m.due_on AS dueOn, m.met_on AS metOn
         FROM milestones m ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY m.due_on, m.agreement_id, m.milestone_id LIMIT @limit`,
      )
      .all(params);
    const views = rows.map((row) => judgeRow(row, today));
    return toPage(views, limit, keyOfMilestone);
  }
}
