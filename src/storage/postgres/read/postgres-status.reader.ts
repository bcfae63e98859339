import type pg from 'pg';
import { rows } from '../postgres.database.js';
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

const asciiLower = (expr: string) =>
  `translate(${expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/** The PostgreSQL twin of SqliteStatusReader: the same filters, the same order (ids compare bytewise). */
export class PostgresStatusReader implements StatusReader {
  constructor(
    private readonly pool: pg.Pool,
    /** Today's date, from the application's clock. */
    private readonly today: () => string,
  ) {}

  async get(id: string): Promise<AgreementView | undefined> {
    const [row] = await rows<{ state: string; version: number }>(
      this.pool,
      'SELECT state, version FROM agreement_status WHERE id = $1',
      [id],
    );
    return row ? { ...(JSON.parse(row.state) as Agreement), version: row.version } : undefined;
  }

  async getJson(id: string): Promise<AgreementViewJson | undefined> {
    const [row] = await rows<{ state: string; version: number }>(
      this.pool,
      'SELECT state, version FROM agreement_status WHERE id = $1',
      [id],
    );
    return row ? viewJson(row.state, row.version) : undefined;
  }

  async perYear(measure: StatMeasure, filter: StatFilter): Promise<YearCount[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.party) {
      where.push(`s.id IN (SELECT agreement_id FROM agreement_parties WHERE party = ${param(filter.party)})`);
    }
    if (filter.provision) where.push(`(s.state::jsonb -> 'provisions') ? ${param(filter.provision)}`);
    if (filter.source) {
      where.push(
        `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(s.state::jsonb -> 'references', '[]'::jsonb)) r
                 WHERE r ->> 'series' = ${param(SOURCE_SERIES[filter.source])})`,
      );
    }
    const grouped = async (column: string, also = '') =>
      (
        await rows<{ year: number; count: string }>(
          this.pool,
          `SELECT substr(${column}, 1, 4)::int AS year, COUNT(*) AS count FROM agreement_status s
           WHERE ${[`${column} IS NOT NULL`, ...(also ? [also] : []), ...where].join(' AND ')}
           GROUP BY 1 ORDER BY 1`,
          params,
        )
      ).map((r) => ({ year: r.year, count: Number(r.count) }));
    if (measure === 'signed') return perYear(measure, await grouped('s.signed_on'), [], 0);
    const lastYear = Number(this.today().slice(0, 4));
    return perYear(
      measure,
      await grouped('s.in_force_on'),
      await grouped('s.ended_on', 's.in_force_on IS NOT NULL'),
      lastYear,
    );
  }

  async list(filter: AgreementFilter, limit: number, after?: string) {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.party && filter.activeOn) {
      // Only while the party was a member on that date: not before its accession, not after it left.
      // A date known to a month or a year counts once its period has passed, unless uncertain ones are asked for.
      const on = param(filter.activeOn);
      const member = filter.includeUncertain
        ? `(joined_on IS NULL OR joined_on <= ${on}) AND (left_until IS NULL OR left_until > ${on})`
        : `(joined_until IS NULL OR joined_until <= ${on}) AND (left_on IS NULL OR left_on > ${on})`;
      where.push(
        `s.id IN (SELECT agreement_id FROM agreement_parties WHERE party = ${param(filter.party)} AND ${member})`,
      );
    } else if (filter.party) {
      where.push(`s.id IN (SELECT agreement_id FROM agreement_parties WHERE party = ${param(filter.party)})`);
    }
    if (filter.status) {
      // As it stands today: notices of withdrawal whose day has come have ended the agreement.
      if (filter.status === 'withdrawn') {
        where.push(
          `(s.status = 'withdrawn' OR (s.ended_until <= ${param(this.today())} AND s.status NOT IN ('withdrawn', 'terminated')))`,
        );
      } else if (filter.status === 'terminated') {
        where.push("s.status = 'terminated'");
      } else {
        where.push(
          `s.status = ${param(filter.status)} AND (s.ended_until IS NULL OR s.ended_until > ${param(this.today())})`,
        );
      }
    }
    if (filter.provision) where.push(`(s.state::jsonb -> 'provisions') ? ${param(filter.provision)}`);
    if (filter.activeOn) {
      const on = param(filter.activeOn);
      where.push(
        filter.includeUncertain
          ? `COALESCE(s.signed_on, s.in_force_on) <= ${on} AND (s.ended_until IS NULL OR s.ended_until > ${on})`
          : `s.active_until <= ${on} AND (s.ended_on IS NULL OR s.ended_on > ${on})`,
      );
    }
    if (filter.q) {
      // SQLite's LIKE ignores the case of ASCII letters only; so does this.
      for (const word of filter.q.split(/\s+/).filter(Boolean)) {
        const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const p = asciiLower(param(pattern));
        // Each word in the title, an alias or a reference number.
        where.push(`(${asciiLower('s.title')} LIKE ${p} ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(COALESCE(s.state::jsonb -> 'aliases', '[]'::jsonb)) a
                     WHERE ${asciiLower('a')} LIKE ${p} ESCAPE '\\')
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(s.state::jsonb -> 'references', '[]'::jsonb)) r
                     WHERE ${asciiLower("r ->> 'number'")} LIKE ${p} ESCAPE '\\'))`);
      }
    }
    if (filter.source) {
      where.push(
        `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(s.state::jsonb -> 'references', '[]'::jsonb)) r
                 WHERE r ->> 'series' = ${param(SOURCE_SERIES[filter.source])})`,
      );
    }
    if (filter.signedFrom || filter.signedTo) {
      const { inside, overlap } = signedRange(filter);
      const chosen = filter.includeUncertain ? overlap : inside;
      let i = 0;
      where.push(chosen.sql.replace(/\?/g, () => param(chosen.params[i++])));
    }
    const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await rows<{ total: number }>(
      this.pool,
      `SELECT COUNT(*) AS total FROM agreement_status s ${filtered}`,
      params,
    );
    const pageParams = [...params];
    const pageWhere =
      after === undefined
        ? filtered
        : `${filtered ? `${filtered} AND` : 'WHERE'} s.id > $${pageParams.push(after)}`;
    const found = await rows<{ state: string; version: number }>(
      this.pool,
      `SELECT s.state, s.version FROM agreement_status s ${pageWhere} ORDER BY s.id LIMIT $${pageParams.push(limit + 1)}`,
      pageParams,
    );
    const today = this.today();
    const views = found.map((r) => listItem(JSON.parse(r.state) as Agreement, r.version, today, filter));
    return { ...toPage(views, limit, (v) => v.id), total: count!.total };
  }
}
