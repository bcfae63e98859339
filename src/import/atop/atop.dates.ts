import { EARLIEST_DATE, isCalendarDate } from '../../agreements/domain/agreement.values.js';

/**
 * ATOP writes a date as three columns (year, month, day) and codes "no date" as 0/0/0.
 * The rules, applied the same way to every date of every file:
 * - year, month and day all 0 (or all blank): no date (an alliance or membership still running);
 * - a missing day (blank, 0 or negative) becomes the 1st of the month, with a warning on the day column;
 * - a missing month becomes 1 January of the year, with a warning on the month column;
 * - a missing year makes the date unusable (a warning on the year column);
 * - a day past the month's end (30 February) becomes the month's last day, with a warning;
 * - a date before 1800-01-01 (the ledger's floor) or after today is unusable, with a warning.
 * "First of the period" keeps every partial date on or before the real one, so an alliance
 * is never shown as starting later than it did.
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
  const year = Number(y);
  let month = Number(m);
  let day = Number(d);
  if (missing(m) || month > 12) {
    problems.push({ field: mField, message: `month "${m}" is missing or invalid: taken as 1 January ${y}` });
    month = 1;
    day = 1;
  } else if (missing(d) || day > 31) {
    problems.push({
      field: dField,
      message: `day "${d}" is missing or invalid: taken as ${y}-${pad(month)}-01`,
    });
    day = 1;
  }
  let date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (!isCalendarDate(date)) {
    const last = lastDayOfMonth(year, month);
    problems.push({
      field: dField,
      message: `${date} is not a calendar day: taken as ${year}-${pad(month)}-${pad(last)}`,
    });
    date = `${pad(year, 4)}-${pad(month)}-${pad(last)}`;
  }
  if (date < EARLIEST_DATE) {
    problems.push({ field: yField, message: `${date} is before ${EARLIEST_DATE}: the date cannot be used` });
    return { kind: 'unusable', problems };
  }
  if (date > today) {
    problems.push({
      field: yField,
      message: `${date} is in the future (today is ${today}): the date cannot be used`,
    });
    return { kind: 'unusable', problems };
  }
  return { kind: 'date', date, problems };
}

function lastDayOfMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** The day after an ISO date. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
