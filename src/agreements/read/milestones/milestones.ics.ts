import { dueBy, type MilestoneView } from './milestones.js';

/** How many days before a milestone's date its reminder rings. */
const REMINDER_DAYS = 30;

/** RFC 5545 §3.3.11: a TEXT value escapes backslash, semicolon, comma and line breaks. */
const text = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space; never a split character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const basicDate = (iso: string) => iso.replaceAll('-', '');
const nextDay = (iso: string) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const stamp = (now: Date) => `${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

export interface CalendarOptions {
  now: Date;
  /** The pages' origin (https://ledger.example), for each event's URL; none when unknown. */
  origin?: string;
  name: string;
}

/**
 * Milestones as an RFC 5545 calendar: one all-day VEVENT each, on the day it is due by (a milestone
 * due in a month or a year: the period's last day, the period said in the description), a UID
 * stable across downloads (agreement and milestone ids), a reminder 30 days before, and the
 * agreement's page as URL.
 */
export function milestonesCalendar(milestones: readonly MilestoneView[], options: CalendarOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Treaty Ledger//Milestones//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(options.name)}`,
  ];
  for (const m of milestones) {
    const day = dueBy(m.dueOn);
    const period = day === m.dueOn ? '' : ` (due in ${m.dueOn})`;
    const page = options.origin
      ? `${options.origin}/agreements/${encodeURIComponent(m.agreementId)}`
      : undefined;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${text(`${m.agreementId}/${m.milestoneId}`)}@treaty-ledger`,
      `DTSTAMP:${stamp(options.now)}`,
      `DTSTART;VALUE=DATE:${basicDate(day)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(day))}`,
      `SUMMARY:${text(`${m.description} — ${m.agreementId}`)}`,
      `DESCRIPTION:${text(
        `${m.description}${period}. Owner: ${m.owner === 'ALL' ? 'every party' : m.owner}. ` +
          `Status: ${m.status.replace('_', ' ')}.${page ? ` ${page}` : ''}`,
      )}`,
      ...(page ? [`URL:${page}`] : []),
      `CATEGORIES:${text(m.kind)}`,
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${text(`Due in ${REMINDER_DAYS} days: ${m.description}`)}`,
      `TRIGGER:-P${REMINDER_DAYS}D`,
      'END:VALARM',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
