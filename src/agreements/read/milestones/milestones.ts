import { isFinal, type Agreement } from '../../domain/agreement.state.js';
import type { IsoDate } from '../../domain/agreement.values.js';
import { daysBetween, periodEnd, periodStart } from '../../domain/dates.js';

/**
 * Accountability milestones: who owes what by when. Committed milestones come from
 * MilestoneCommitted / MilestoneMet; the others are derived from the agreement's terms.
 * The facts (due and met dates) depend only on the agreement; the status depends on
 * today as well, so it is judged when read, never stored.
 */

export const MILESTONE_KINDS = ['committed', 'review', 'term_end', 'withdrawal', 'denounceable'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

export const MILESTONE_STATUSES = ['open', 'due_soon', 'overdue', 'met', 'met_late'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/** A milestone due within this many days (today included) is `due_soon`. */
export const DUE_SOON_DAYS = 30;

/** The owner of derived milestones: every party of the agreement answers for them. */
export const ALL_PARTIES = 'ALL';

/**
 * Ids of derived milestones start with `@`, which committed milestone ids may not
 * (they start with a letter or digit), so the two can never collide.
 */
export const DERIVED_IDS = {
  review: '@next-review',
  term_end: '@term-end',
  withdrawal: '@withdrawal',
  denounceable: '@denounceable',
} as const;

export interface MilestoneFact {
  agreementId: string;
  milestoneId: string;
  kind: MilestoneKind;
  description: string;
  /** A party code, or ALL for derived milestones. */
  owner: string;
  dueOn: IsoDate;
  /** When it was (or, for a withdrawal announced ahead, will be) met. */
  metOn?: IsoDate;
}

export interface MilestoneView {
  agreementId: string;
  milestoneId: string;
  kind: MilestoneKind;
  description: string;
  owner: string;
  dueOn: IsoDate;
  /** Present once met (on or before today). */
  metOn?: IsoDate;
  status: MilestoneStatus;
  /** For `overdue` (late so far) and `met_late` (how late it was met). */
  daysLate?: number;
}

/** Pure: the milestone facts of an agreement, in no particular order. */
export function milestoneFacts(a: Agreement): MilestoneFact[] {
  const facts: MilestoneFact[] = Object.entries(a.milestones).map(([milestoneId, m]) => ({
    agreementId: a.id,
    milestoneId,
    kind: 'committed',
    description: m.description,
    owner: m.owner,
    dueOn: m.dueOn,
    ...(m.metOn !== undefined ? { metOn: m.metOn } : {}),
  }));
  const derived = (kind: Exclude<MilestoneKind, 'committed'>, description: string, dueOn: IsoDate) => ({
    agreementId: a.id,
    milestoneId: DERIVED_IDS[kind],
    kind,
    description,
    owner: ALL_PARTIES,
    dueOn,
  });
  // Reviews and the term stop being owed once the agreement has ended.
  if (!isFinal(a.status)) {
    if (a.nextReviewDue !== undefined) facts.push(derived('review', 'Next review due', a.nextReviewDue));
    if (a.termEndsOn !== undefined) {
      if (a.renewsEveryMonths !== undefined && a.renewedUntil === undefined) {
        // Renewed by itself while the agreement stands: nobody has to act, so it is never overdue.
        const fact = derived(
          'term_end',
          `Term renews automatically (every ${a.renewsEveryMonths} months)`,
          a.termEndsOn,
        );
        facts.push({ ...fact, metOn: a.termEndsOn });
      } else {
        const description = a.renewedUntil !== undefined ? 'Renewed term ends' : 'Term ends';
        facts.push(derived('term_end', description, a.termEndsOn));
      }
    }
    if (a.denounceableFrom !== undefined) {
      // Informational: from this day a party may denounce it; a date, never an obligation.
      const fact = derived('denounceable', 'May be denounced from', a.denounceableFrom);
      facts.push({ ...fact, metOn: a.denounceableFrom });
    }
  }
  if (a.withdrawalEffectiveOn !== undefined) {
    const on = a.withdrawalEffectiveOn;
    const leaving = [
      ...a.formerParties.filter((f) => f.withdrawnOn === on).map((f) => f.party),
      ...(a.pendingWithdrawals ?? []).filter((w) => w.effectiveOn === on).map((w) => w.party),
    ];
    const who = leaving.length > 0 ? `${leaving.join(', ')}'s withdrawal` : 'Withdrawal';
    // A withdrawal needs nobody to act: it is met by the calendar on the day it takes effect.
    facts.push({ ...derived('withdrawal', `${who} takes effect`, on), metOn: on });
  }
  return facts;
}

/**
 * Pure: the fact judged against today. The SQL reader filters with the same rules. A due date known
 * only to the month or year is due by the period's last day (`dueBy`); a milestone is late only when
 * the whole of its meeting period lies after that day.
 */
export function judge(fact: MilestoneFact, today: IsoDate): MilestoneView {
  const { metOn, ...rest } = fact;
  const by = dueBy(fact.dueOn);
  if (metOn !== undefined && periodStart(metOn) <= today) {
    const late = daysBetween(by, periodStart(metOn));
    return late > 0
      ? { ...rest, metOn, status: 'met_late', daysLate: late }
      : { ...rest, metOn, status: 'met' };
  }
  if (by < today) return { ...rest, status: 'overdue', daysLate: daysBetween(by, today) };
  return { ...rest, status: daysBetween(today, by) <= DUE_SOON_DAYS ? 'due_soon' : 'open' };
}

/** The last day a milestone due in the given period may be met on time (the `due_by` column). */
export const dueBy = periodEnd;

type Keyed = Pick<MilestoneFact, 'dueOn' | 'agreementId' | 'milestoneId'>;

/** Lists order milestones by due date, then agreement, then id: the keyset of their cursors. */
export function compareMilestones(a: Keyed, b: Keyed): number {
  return (
    compare(a.dueOn, b.dueOn) ||
    compare(a.agreementId, b.agreementId) ||
    compare(a.milestoneId, b.milestoneId)
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Pure: an agreement's milestones with their status on `today`, in list order. */
export function milestonesOf(agreement: Agreement, today: IsoDate): MilestoneView[] {
  return milestoneFacts(agreement)
    .sort(compareMilestones)
    .map((f) => judge(f, today));
}
