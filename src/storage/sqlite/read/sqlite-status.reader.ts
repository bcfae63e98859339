import type { Database } from 'better-sqlite3';
import { SqliteChanges, type ChangeCache } from '../sqlite-changes.js';
import type { Agreement } from '../../../agreements/domain/agreement.state.js';
import { toPage } from '../../../agreements/read/page.js';
import {
  listItem,
  perYear,
  signedRange,
  type StatFilter,
  type StatMeasure,
  type YearCount,
  SOURCE_SERIES,
  viewJson,
  type AgreementFilter,
  type AgreementView,
  type AgreementViewJson,
  type StatusReader,
} from '../../../agreements/read/status/status.reader.js';

export class SqliteStatusReader implements StatusReader {
  private readonly getStmt;
  /** The status read is the hottest route: its answer is kept until the database may have changed. */
  private readonly views: ChangeCache<AgreementViewJson>;

  constructor(
    private readonly db: Database,
    /** Today's date, from the application's clock. */
    private readonly today: () => string,
  ) {
    this.getStmt = db.prepare<[string], { state: string; version: number }>(
      'SELECT state, version FROM agreement_status WHERE id = ?',
    );
    // Up to 16 MB of JSON text (a status is 1–10 KB).
    this.views = SqliteChanges.of(db).cache(16 * 1024 * 1024, (view) => view.json.length);
  }

  async get(id: string): Promise<AgreementView | undefined> {
    const row = this.getStmt.get(id);
    return row ? { ...(JSON.parse(row.state) as Agreement), version: row.version } : undefined;
  }

  async getJson(id: string): Promise<AgreementViewJson | undefined> {
    return this.views.get(id, () => {
      const row = this.getStmt.get(id);
      return row ? viewJson(row.state, row.version) : undefined;
    });
  }

  async perYear(measure: StatMeasure, filter: StatFilter): Promise<YearCount[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.party) {
      where.push('s.id IN (SELECT agreement_id FROM agreement_parties WHERE party = ?)');
      params.push(filter.party);
    }
    if (filter.provision) {
      where.push("EXISTS (SELECT 1 FROM json_each(s.state, '$.provisions') WHERE value = ?)");
      params.push(filter.provision);
    }
    if (filter.source) {
      where.push(
        "EXISTS (SELECT 1 FROM json_each(s.state, '$.references') WHERE json_extract(value, '$.series') = ?)",
      );
      params.push(SOURCE_SERIES[filter.source]);
    }
    const grouped = (column: string, also = '') =>
      this.db
        .prepare<unknown[], YearCount>(
          `SELECT CAST(substr(${column}, 1, 4) AS INTEGER) AS year, COUNT(*) AS count FROM agreement_status s
           WHERE ${[`${column} IS NOT NULL`, ...(also ? [also] : []), ...where].join(' AND ')}
           GROUP BY 1 ORDER BY 1`,
        )
        .all(...params);
    if (measure === 'signed') return perYear(measure, grouped('s.signed_on'), [], 0);
    const lastYear = Number(this.today().slice(0, 4));
    return perYear(
      measure,
      grouped('s.in_force_on'),
      grouped('s.ended_on', 's.in_force_on IS NOT NULL'),
      lastYear,
    );
  }

  async list(filter: AgreementFilter, limit: number, after?: string) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.party && filter.activeOn) {
      // Only while the party was a member on that date: not before its accession, not after it left.
      // A date known to a month or a year counts once its period has passed, unless uncertain ones are asked for.
      const member = filter.includeUncertain
        ? '(joined_on IS NULL OR joined_on <= ?) AND (left_until IS NULL OR left_until > ?)'
        : '(joined_until IS NULL OR joined_until <= ?) AND (left_on IS NULL OR left_on > ?)';
      where.push(`s.id IN (SELECT agreement_id FROM agreement_parties WHERE party = ? AND ${member})`);
      params.push(filter.party, filter.activeOn, filter.activeOn);
    } else if (filter.party) {
      where.push('s.id IN (SELECT agreement_id FROM agreement_parties WHERE party = ?)');
      params.push(filter.party);
    }
    if (filter.status) {
      // As it stands today: notices of withdrawal whose day has come have ended the agreement.
      if (filter.status === 'withdrawn') {
        where.push(
          "(s.status = 'withdrawn' OR (s.ended_until <= ? AND s.status NOT IN ('withdrawn', 'terminated')))",
        );
        params.push(this.today());
      } else if (filter.status === 'terminated') {
        where.push("s.status = 'terminated'");
      } else {
        where.push('s.status = ? AND (s.ended_until IS NULL OR s.ended_until > ?)');
        params.push(filter.status, this.today());
      }
    }
    if (filter.provision) {
      where.push("EXISTS (SELECT 1 FROM json_each(s.state, '$.provisions') WHERE value = ?)");
      params.push(filter.provision);
    }
    if (filter.activeOn) {
      where.push(
        filter.includeUncertain
          ? 'COALESCE(s.signed_on, s.in_force_on) <= ? AND (s.ended_until IS NULL OR s.ended_until > ?)'
          : 's.active_until <= ? AND (s.ended_on IS NULL OR s.ended_on > ?)',
      );
      params.push(filter.activeOn, filter.activeOn);
    }
    if (filter.q) {
      // Each word in the title, an alias or a reference number.
      for (const word of filter.q.split(/\s+/).filter(Boolean)) {
        where.push(`(s.title LIKE ? ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM json_each(s.state, '$.aliases') WHERE value LIKE ? ESCAPE '\\')
          OR EXISTS (SELECT 1 FROM json_each(s.state, '$.references')
                     WHERE json_extract(value, '$.number') LIKE ? ESCAPE '\\'))`);
        const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        params.push(pattern, pattern, pattern);
      }
    }
    if (filter.source) {
      where.push(
        "EXISTS (SELECT 1 FROM json_each(s.state, '$.references') WHERE json_extract(value, '$.series') = ?)",
      );
      params.push(SOURCE_SERIES[filter.source]);
    }
    if (filter.signedFrom || filter.signedTo) {
      const { inside, overlap } = signedRange(filter);
      where.push(filter.includeUncertain ? overlap.sql : inside.sql);
      params.push(...(filter.includeUncertain ? overlap.params : inside.params));
    }
    const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { total } = this.db
      .prepare<unknown[], { total: number }>(`SELECT COUNT(*) AS total FROM agreement_status s ${filtered}`)
      .get(...params)!;
    const pageWhere = after === undefined ? filtered : `${filtered ? `${filtered} AND` : 'WHERE'} s.id > ?`;
    const rows = this.db
      .prepare<unknown[], { state: string; version: number }>(
        `SELECT s.state, s.version FROM agreement_status s ${pageWhere} ORDER BY s.id LIMIT ?`,
      )
      .all(...params, ...(after === undefined ? [] : [after]), limit + 1);
    const today = this.today();
    const views = rows.map((r) => listItem(JSON.parse(r.state) as Agreement, r.version, today, filter));
    return { ...toPage(views, limit, (v) => v.id), total };
  }
}
