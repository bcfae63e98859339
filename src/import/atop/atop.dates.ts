import { EARLIEST_DATE, isCalendarDate } from '../../agreements/domain/agreement.values.js';
import { periodEnd, periodStart } from '../../agreements/domain/dates.js';

/**
 * ATOP writes a date as three columns (year, month, day) and codes "no date" as 0/0/0.
 * The rules, applied the same way to every date of every file:
 * - year, month and day all 0 (or all blank): no date (an alliance or membership still running);
 * - a missing or invalid day (blank, 0, negative, past the month's end) leaves the date at month
 *   precision (`1996-03`), with a warning on the day column: no day is invented;
 * - a missing or invalid month leaves the year alone (`1996`), with a warning on the month column;
 * - a missing year makes the date unusable (a warning on the year column);
 * - a date whose period starts before 1800-01-01 (the ledger's floor) or after today is unusable,
 *   with a warning.
 */

export interface DateProblem {
  field: string;
  message: string;
}

export type DateReading =
  | { kind: 'none' }
  | { kind: 'date'; date: string; problems: DateProblem[] }
  | { kind: 'unusable'; problems: DateProblem[] };

const missing = (value: string) => value === '' || !/^-?\d+$/.test(value) || Number(value) <= 0;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Reads one ATOP date from its three column values; `fields` names the columns for warnings. */
export function readAtopDate(
  values: readonly [year: string, month: string, day: string],
  fields: readonly [year: string, month: string, day: string],
  today: string,
  /** False where the source documents a blank day or month as a date known to that precision (DCAD). */
  warnBlank = true,
): DateReading {
  const [y, m, d] = values;
  const [yField, mField, dField] = fields;
  const none = (v: string) => v === '' || v === '0';
  if (none(y) && none(m) && none(d)) return { kind: 'none' };
  if (missing(y)) {
    return {
      kind: 'unusable',
      problems: [{ field: yField, message: `year "${y}" is missing or invalid: the date cannot be used` }],
    };
  }
  const problems: DateProblem[] = [];
  const year = pad(Number(y), 4);
  const month = Number(m);
  let date: string;
  const said = (v: string) => warnBlank || !(v === '' || v === '0');
  if (missing(m) || month > 12) {
    if (said(m))
      problems.push({
        field: mField,
        message: `month "${m}" is missing or invalid: recorded as the year ${year}`,
      });
    date = year;
  } else {
    const day = `${year}-${pad(month)}-${pad(Number(d))}`;
    if (missing(d) || !isCalendarDate(day)) {
      if (said(d))
        problems.push({
          field: dField,
          message: `day "${d}" is missing or invalid: recorded as the month ${year}-${pad(month)}`,
        });
      date = `${year}-${pad(month)}`;
    } else {
      date = day;
    }
  }
  if (periodStart(date) < EARLIEST_DATE) {
    problems.push({ field: yField, message: `${date} is before ${EARLIEST_DATE}: the date cannot be used` });
    return { kind: 'unusable', problems };
  }
  if (periodStart(date) > today) {
    problems.push({
      field: yField,
      message: `${date} is in the future (today is ${today}): the date cannot be used`,
    });
    return { kind: 'unusable', problems };
  }
  return { kind: 'date', date, problems };
}

/** The day after a date's period (the day after 1996-03 is 1996-04-01). */
export function nextDay(date: string): string {
  const d = new Date(`${periodEnd(date)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
