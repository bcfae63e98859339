import { z } from 'zod';
import { isPartialDate, periodStart } from './dates.js';
import { isKnownState } from './states.js';

/** Values shared by every event: ids, dates, party codes, provisions and free text. */

export const AGREEMENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;
/** ISO 3166-1 alpha-3 for today's states, COW-<abbrev> for historical ones (COW-BAV). */
export const PARTY_PATTERN = /^(?:[A-Z]{3}|COW-[A-Z0-9]{2,8})$/;
export const EARLIEST_DATE = '1800-01-01';

export const PROVISIONS = [
  'mutual_defense',
  'consultation',
  'intelligence_sharing',
  'joint_exercises',
  'technology_transfer',
  'arms_transfer',
  'logistics_support',
  'basing_access',
  'capability_building',
  'non_aggression',
  'neutrality',
  'offensive_support',
  // The categories of bilateral defense cooperation agreements (DCAD, Kinne 2020).
  'defense_cooperation',
  'defense_industry',
  'research_and_development',
  'defense_commission',
] as const;
export type Provision = (typeof PROVISIONS)[number];

export type IsoDate = string;
export type PartyCode = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (2023-02-30 and year 0 are not). */
export const isCalendarDate = (value: string): boolean => ISO_DATE.test(value) && isPartialDate(value);

// Control characters other than tab and newline are refused: PostgreSQL cannot store NUL,
// and the others only ever arrive by accident or malice.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

export const text = (max: number) =>
  z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !FORBIDDEN_CONTROL.test(s), { message: 'must not contain control characters' })
    .refine((s) => s.isWellFormed(), { message: 'must be well-formed Unicode' });

export const isoDate = z
  .string()
  .regex(ISO_DATE, { message: 'must be a date written YYYY-MM-DD' })
  .refine(isCalendarDate, { message: 'must be a real calendar day' })
  .refine((s) => s >= EARLIEST_DATE, { message: `must not be before ${EARLIEST_DATE}` });

/** A date of an event, at the precision the source gives it: a year, a month or a day. */
export const eventDate = z
  .string()
  .regex(/^\d{4}(?:-\d{2}(?:-\d{2})?)?$/, { message: 'must be a date written YYYY, YYYY-MM or YYYY-MM-DD' })
  .refine(isPartialDate, { message: 'must be a real year, month or calendar day' })
  .refine((s) => periodStart(s) >= EARLIEST_DATE, { message: `must not be before ${EARLIEST_DATE}` });

/** The rule a party code that is well formed but names no known state breaks (states.ts). */
export const UNKNOWN_STATE = 'UnknownState';

export const partyCode = z
  .string()
  .regex(PARTY_PATTERN, { message: 'must be an ISO 3166-1 alpha-3 code (USA) or COW-<abbrev> (COW-BAV)' })
  .superRefine((code, ctx) => {
    if (PARTY_PATTERN.test(code) && !isKnownState(code)) {
      ctx.addIssue({
        code: 'custom',
        message: `${code} is no state known to the ledger (GET /api/states lists them)`,
        params: { rule: UNKNOWN_STATE },
      });
    }
  });

export const agreementId = z
  .string()
  .regex(AGREEMENT_ID_PATTERN, { message: 'must match ^[a-z0-9][a-z0-9-]{2,63}$' });

export const provision = z.enum(PROVISIONS);

export const positiveMonths = z.number().int().min(1).max(1200);

/** Treaty series and datasets an agreement can be found in. */
export const REFERENCE_SERIES = ['UNTS', 'ATOP', 'DCAD', 'TIAS', 'url'] as const;

/** Where the treaty is registered or described: a number in a series, or (series `url`) an address. */
export const reference = z
  .strictObject({
    series: z.enum(REFERENCE_SERIES),
    number: text(100).optional(),
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .max(2000)
      .optional(),
  })
  .refine(
    (r) =>
      r.series === 'url'
        ? r.url !== undefined && r.number === undefined
        : r.number !== undefined && r.url === undefined,
    {
      message: 'a url reference has a url; any other has a number',
    },
  );
