/** Words and dates as people read them. Pure functions, no DOM. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "1960-01-19" → "19 Jan 1960", "1996-03" → "Mar 1996", "1996" → "1996": a date only as precise as
 * it was recorded. Parsed by hand: a Date would shift it by the time zone (and invent a day).
 */
export function formatDate(iso) {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(iso ?? '');
  if (!match) return iso ?? '';
  if (match[2] === undefined) return match[1];
  if (match[3] === undefined) return `${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
}

/** Month `m` (0-11) of year `y` → "Mar 2024". */
export const formatMonth = (y, m) => `${MONTHS[m]} ${y}`;

/** "2025-03-04T10:15:00.000Z" → "4 Mar 2025, 10:15 UTC". */
export function formatTimestamp(iso) {
  if (!iso) return '';
  return `${formatDate(iso)}, ${iso.slice(11, 16)} UTC`;
}

/** Days since 1970-01-01 for an ISO date (a year or a month: its first day): the timeline's x axis. */
export function dayNumber(iso) {
  const day = iso.length === 4 ? `${iso}-01-01` : iso.length === 7 ? `${iso}-01` : iso.slice(0, 10);
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

export function isoOfDay(day) {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Today in UTC, as the server judges dates. */
export function todayIso() {
  return new Date().toISOString().slice(0, 10);
}

export const STATUS_LABELS = {
  proposed: 'Proposed',
  signed: 'Signed',
  in_force: 'In force',
  suspended: 'Suspended',
  withdrawn: 'Withdrawn',
  terminated: 'Terminated',
};

export const statusLabel = (status) => STATUS_LABELS[status] ?? words(status);

/** "mutual_defense" → "Mutual defense". */
export function words(code) {
  const text = String(code ?? '').replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const MILESTONE_STATUS_LABELS = {
  open: 'Open',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  met: 'Met',
  met_late: 'Met late',
};

/** Short names of event types, as the timeline labels them. */
export const EVENT_LABELS = {
  AgreementProposed: 'Proposed',
  AgreementSigned: 'Signature',
  AgreementRatified: 'Ratification',
  AgreementEnteredIntoForce: 'Entry into force',
  PartyAcceded: 'Accession',
  AgreementSuspended: 'Suspension',
  AgreementResumed: 'Resumption',
  AgreementRenewed: 'Renewal',
  AgreementWithdrawn: 'Withdrawal',
  WithdrawalRescinded: 'Withdrawal rescinded',
  AgreementTerminated: 'Termination',
  ExerciseHeld: 'Exercise',
  ReviewConducted: 'Review',
  ConsultationHeld: 'Consultation',
  AgreementAmended: 'Amendment',
  MilestoneCommitted: 'Milestone committed',
  MilestoneMet: 'Milestone met',
  ContributionRecorded: 'Contribution',
  ReservationMade: 'Reservation',
  ReservationWithdrawn: 'Reservation withdrawn',
  DeclarationMade: 'Declaration',
  ObjectionMade: 'Objection',
  ProvisionalApplicationStarted: 'Provisional application',
  SuccessionNotified: 'Succession',
};

export const eventLabel = (type) => EVENT_LABELS[type] ?? type.replace(/([a-z])([A-Z])/g, '$1 $2');

/** The timeline's lanes, one per kind of event; all but the lifecycle show only when they have events. */
export const LANES = [
  {
    id: 'lifecycle',
    label: 'Lifecycle',
    short: 'Lifecycle',
    types: [
      'AgreementProposed',
      'AgreementSigned',
      'AgreementRatified',
      'AgreementEnteredIntoForce',
      'PartyAcceded',
      'AgreementSuspended',
      'AgreementResumed',
      'AgreementRenewed',
      'AgreementWithdrawn',
      'WithdrawalRescinded',
      'AgreementTerminated',
    ],
  },
  { id: 'exercises', label: 'Exercises', short: 'Exercises', types: ['ExerciseHeld'], optional: true },
  {
    id: 'reviews',
    label: 'Reviews & consultations',
    short: 'Reviews',
    types: ['ReviewConducted', 'ConsultationHeld'],
    optional: true,
  },
  { id: 'amendments', label: 'Amendments', short: 'Amend.', types: ['AgreementAmended'], optional: true },
  {
    id: 'party-actions',
    label: 'Reservations & declarations',
    short: 'Reserv.',
    types: [
      'ReservationMade',
      'ReservationWithdrawn',
      'DeclarationMade',
      'ObjectionMade',
      'ProvisionalApplicationStarted',
      'SuccessionNotified',
    ],
    optional: true,
  },
  {
    id: 'milestones',
    label: 'Milestones',
    short: 'Milestones',
    types: ['MilestoneCommitted', 'MilestoneMet'],
    optional: true,
  },
  {
    id: 'contributions',
    label: 'Contributions',
    short: 'Contrib.',
    types: ['ContributionRecorded'],
    optional: true,
  },
];

export function laneOf(type) {
  return LANES.find((lane) => lane.types.includes(type)) ?? LANES[0];
}

/**
 * The states' names, from the server's registry (GET /api/states, loaded once by loadStateNames in
 * api.js): the page keeps no list of its own. Until they are loaded, or for a code the registry does
 * not know, a code is shown as it is.
 */
const STATE_NAMES = new Map();

export function setStateNames(states) {
  for (const { code, name } of states) STATE_NAMES.set(code, name);
}

export const partyName = (code) => STATE_NAMES.get(code);

export function plural(count, one, many = `${one}s`) {
  return `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;
}

/** How late, in the unit a reader thinks in: "12 days", "5 months", "55 years". */
export function lateness(days) {
  if (days < 60) return plural(days, 'day');
  if (days < 730) return plural(Math.floor(days / 30.44), 'month');
  return plural(Math.floor(days / 365.25), 'year');
}
