/**
 * Dates as precise as their sources: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each standing for a
 * period (a year, a month, a day). Nothing here invents a day: rules compare periods, and a
 * question asked about a day inside a period says that the answer is uncertain.
 *
 * Written as text, a date sorts before every longer date it is a prefix of, so for a whole day D
 * `x <= D` (as text) holds exactly when x's period starts on or before D. SQL filters rely on it.
 */

export type DatePrecision = 'year' | 'month' | 'day';

export const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function precisionOf(date: string): DatePrecision {
  return date.length === 4 ? 'year' : date.length === 7 ? 'month' : 'day';
}

/** True for a real year, month or calendar day (year 0, month 13 and 2023-02-30 are not). */
export function isPartialDate(value: string): boolean {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  if (year < 1) return false;
  if (match[2] === undefined) return true;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return false;
  if (match[3] === undefined) return true;
  const day = Number(match[3]);
  return day >= 1 && day <= daysInMonth(year, month);
}

/** The first day of the period. */
export function periodStart(date: string): string {
  if (date.length === 4) return `${date}-01-01`;
  if (date.length === 7) return `${date}-01`;
  return date;
}

/** The last day of the period. */
export function periodEnd(date: string): string {
  if (date.length === 4) return `${date}-12-31`;
  if (date.length === 7) {
    const days = daysInMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7)));
    return `${date}-${String(days).padStart(2, '0')}`;
  }
  return date;
}

/** True when all of `a`'s period lies before all of `b`'s: only then is `a` certainly earlier. */
export const certainlyBefore = (a: string, b: string): boolean => periodEnd(a) < periodStart(b);

/** True when `a`'s period has wholly passed by the end of `b`'s first day. */
export const passedBy = (a: string, b: string): boolean => periodEnd(a) <= periodStart(b);

/** True when the day lies inside `date`'s period but is not its last day: whether it has happened is unknown. */
export const undecidedOn = (date: string, day: string): boolean =>
  periodStart(date) <= day && day < periodEnd(date);

/** Orders by the period's start (callers break ties by position). */
export const byStart = (a: string, b: string): number => {
  const x = periodStart(a);
  const y = periodStart(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The later of two dates: the one whose period ends later (on a tie, the more precise one). */
export function latest(a: string, b: string): string {
  const x = periodEnd(a);
  const y = periodEnd(b);
  if (x !== y) return x > y ? a : b;
  return a.length >= b.length ? a : b;
}

/**
 * Adds calendar months, keeping the date's precision: a day clamps to the month's last day
 * (2020-01-31 + 1 month = 2020-02-29), a month moves by months, a year by whole years. A year
 * moved by a number of months that is not a whole number of years could end in either of two
 * years: the result is the month in which the latest of them falls (1996 + 6 months = 1997-06),
 * so a deadline derived from it is never earlier than the source allows.
 */
export function addMonths(date: string, months: number): string {
  if (date.length === 4) {
    if (months % 12 === 0) return pad(Number(date) + months / 12, 4);
    return addMonths(`${date}-12`, months);
  }
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  if (date.length === 7) return `${pad(year, 4)}-${pad(month, 2)}`;
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(year, month));
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Whole days from the day `from` to the day `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
