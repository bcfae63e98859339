import { z } from 'zod';
import { certainlyBefore } from './dates.js';
import {
  agreementId,
  eventDate,
  partyCode,
  positiveMonths,
  provision,
  reference,
  text,
} from './agreement.values.js';

/**
 * The event catalogue. Each event's data is a strict schema (unknown fields are refused);
 * its TypeScript type is inferred from that schema, so validation, types and the
 * OpenAPI document can never disagree.
 */

const parties = z
  .array(partyCode)
  .min(2, { message: 'must name at least two parties' })
  .max(200)
  .refine((list) => new Set(list).size === list.length, { message: 'must not repeat a party' });
const provisions = z
  .array(provision)
  .max(50)
  .refine((list) => new Set(list).size === list.length, { message: 'must not repeat a provision' });
const objectives = z.array(text(500)).max(50);
/** Names a reservation within its party's: given by the client, or `<party>-<n>` in the order made. */
const reservationId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  message: 'must be 1-64 letters, digits, dots, dashes or underscores',
});

export const eventDataSchemas = {
  AgreementProposed: z.strictObject({
    title: text(300),
    parties,
    provisions,
    objectives: objectives.optional(),
    /** A fixed term: the agreement ends after it unless renewed. */
    termMonths: positiveMonths.optional(),
    /** A minimum duration: from then on a party may denounce it (informational, never overdue). */
    denounceableAfterMonths: positiveMonths.optional(),
    /** Automatic renewal: the term rolls forward by this much while the agreement stands. */
    renewsEveryMonths: positiveMonths.optional(),
    reviewEveryMonths: positiveMonths.optional(),
    facilitator: text(100).optional(),
    /** A framework agreement (general) or one field of cooperation (sector). */
    scope: z.enum(['general', 'sector']).optional(),
    /** The names it is known by ("NATO", "Rio Treaty"): searched with the title. */
    aliases: z
      .array(text(200))
      .max(20)
      .refine((list) => new Set(list).size === list.length, { message: 'must not repeat an alias' })
      .optional(),
    /** Where it is registered or described (UNTS, ATOP, DCAD, TIAS numbers, a URL). */
    references: z.array(reference).max(20).optional(),
  }),
  AgreementSigned: z.strictObject({ party: partyCode, signatory: text(200).optional() }),
  ExerciseHeld: z
    .strictObject({
      name: text(200),
      startedOn: eventDate,
      endedOn: eventDate.optional(),
      location: text(200).optional(),
      participants: z
        .array(partyCode)
        .min(1)
        .max(200)
        .refine((list) => new Set(list).size === list.length, { message: 'must not repeat a party' }),
      notes: text(4000).optional(),
    })
    .refine((d) => d.endedOn === undefined || !certainlyBefore(d.endedOn, d.startedOn), {
      message: 'must not be before startedOn',
      path: ['endedOn'],
    }),
  ReviewConducted: z.strictObject({
    outcome: z.enum(['reaffirmed', 'amendment_recommended', 'concerns_raised', 'termination_recommended']),
    findings: text(4000).optional(),
    nextReviewDue: eventDate.optional(),
  }),
  AgreementAmended: z.strictObject({
    summary: text(1000),
    changes: z
      .strictObject({
        provisions: provisions.optional(),
        objectives: objectives.optional(),
        termMonths: positiveMonths.optional(),
        denounceableAfterMonths: positiveMonths.optional(),
        renewsEveryMonths: positiveMonths.optional(),
        reviewEveryMonths: positiveMonths.optional(),
      })
      .refine((c) => Object.keys(c).length > 0, { message: 'must change at least one term' }),
  }),
  AgreementWithdrawn: z.strictObject({
    party: partyCode,
    reason: text(1000).optional(),
    effectiveOn: eventDate.optional(),
  }),
  AgreementRatified: z.strictObject({
    party: partyCode,
    instrument: z.enum(['ratification', 'acceptance', 'approval']),
  }),
  AgreementEnteredIntoForce: z.strictObject({}),
  PartyAcceded: z.strictObject({ party: partyCode }),
  MilestoneCommitted: z.strictObject({
    milestoneId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message: 'must be 1-64 letters, digits, dots, dashes or underscores',
    }),
    description: text(1000),
    owner: partyCode,
    dueOn: eventDate,
  }),
  MilestoneMet: z.strictObject({
    milestoneId: z.string().min(1).max(64),
    evidence: text(4000).optional(),
  }),
  ConsultationHeld: z.strictObject({
    level: z.enum(['summit', 'ministerial', 'working']),
    topics: z.array(text(200)).min(1).max(50),
  }),
  ContributionRecorded: z.strictObject({
    party: partyCode,
    category: z.enum(['funding', 'personnel', 'equipment', 'facilities']),
    amount: z.number().positive().max(1e15),
    unit: text(20),
  }),
  AgreementSuspended: z.strictObject({ reason: text(1000) }),
  AgreementResumed: z.strictObject({ reason: text(1000) }),
  AgreementRenewed: z.strictObject({ newTermEndsOn: eventDate }),
  // Per-party treaty actions (UN Treaty Handbook; Vienna Convention 1969 arts. 2, 19–23, 25; 1978 on succession).
  ReservationMade: z.strictObject({
    party: partyCode,
    text: text(4000),
    articles: z.array(text(50)).min(1).max(100).optional(),
    reservationId: reservationId.optional(),
  }),
  ReservationWithdrawn: z.strictObject({ party: partyCode, reservationId }),
  DeclarationMade: z.strictObject({ party: partyCode, text: text(4000) }),
  ObjectionMade: z
    .strictObject({
      party: partyCode,
      toParty: partyCode,
      reservationId: reservationId.optional(),
      text: text(4000),
    })
    .refine((d) => d.toParty !== d.party, { message: 'must not be the objecting party', path: ['toParty'] }),
  ProvisionalApplicationStarted: z.strictObject({ party: partyCode }),
  WithdrawalRescinded: z.strictObject({ party: partyCode, reason: text(1000).optional() }),
  SuccessionNotified: z
    .strictObject({ party: partyCode, predecessor: partyCode })
    .refine((d) => d.predecessor !== d.party, {
      message: 'must not be the successor',
      path: ['predecessor'],
    }),
  /** A correction: the event named was recorded in error; read models are as if it never had been. */
  EventRetracted: z.strictObject({
    eventId: z
      .string()
      .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
        message: 'must be the id (a UUID) of an event of this agreement',
      }),
    reason: text(1000),
  }),
  /** Another stream describes the same treaty (an import and a hand-made record, two sources). */
  AgreementLinked: z.strictObject({ sameAs: agreementId, reason: text(1000) }),
  AgreementTerminated: z.strictObject({
    reason: z.enum(['expired', 'mutual_consent', 'superseded', 'denounced']),
    supersededBy: agreementId.optional(),
  }),
} as const;

export type AgreementEventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as AgreementEventType[];

export type EventData<T extends AgreementEventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** A domain event: what happened (type, data) and on which business date. */
export type AgreementEvent = {
  [T in AgreementEventType]: { type: T; occurredOn: string; data: EventData<T> };
}[AgreementEventType];

export type EventOfType<T extends AgreementEventType> = Extract<AgreementEvent, { type: T }>;

export function isAgreementEventType(type: string): type is AgreementEventType {
  return Object.hasOwn(eventDataSchemas, type);
}

/** One example per event type, shown in the OpenAPI document and used by the docs tests. */
export const EVENT_EXAMPLES: { [T in AgreementEventType]: EventData<T> } = {
  AgreementProposed: {
    title: 'Treaty of Mutual Cooperation and Security',
    parties: ['USA', 'JPN'],
    provisions: ['mutual_defense', 'basing_access', 'consultation'],
    reviewEveryMonths: 12,
  },
  AgreementSigned: { party: 'USA', signatory: 'Christian Herter' },
  ExerciseHeld: {
    name: 'Keen Sword',
    startedOn: '2024-10-23',
    endedOn: '2024-11-01',
    participants: ['USA', 'JPN'],
  },
  ReviewConducted: {
    outcome: 'reaffirmed',
    findings: 'Alliance remains sound.',
    nextReviewDue: '2025-10-01',
  },
  AgreementAmended: {
    summary: 'Adds intelligence sharing',
    changes: { provisions: ['mutual_defense', 'intelligence_sharing'] },
  },
  AgreementWithdrawn: { party: 'JPN', reason: 'Policy change', effectiveOn: '2025-06-01' },
  AgreementRatified: { party: 'JPN', instrument: 'ratification' },
  AgreementEnteredIntoForce: {},
  PartyAcceded: { party: 'AUS' },
  MilestoneCommitted: {
    milestoneId: 'host-nation-support-2025',
    description: 'Agree host-nation support',
    owner: 'JPN',
    dueOn: '2025-12-31',
  },
  MilestoneMet: { milestoneId: 'host-nation-support-2025', evidence: 'Special Measures Agreement signed' },
  ConsultationHeld: { level: 'ministerial', topics: ['force posture', 'missile defense'] },
  ContributionRecorded: { party: 'JPN', category: 'funding', amount: 211000000000, unit: 'JPY' },
  AgreementSuspended: { reason: 'Coup d’état in a member state' },
  AgreementResumed: { reason: 'Constitutional order restored' },
  AgreementRenewed: { newTermEndsOn: '2035-06-30' },
  ReservationMade: {
    party: 'JPN',
    text: 'Article 5 applies only to territories under the administration of Japan',
    articles: ['5'],
    reservationId: 'JPN-1',
  },
  ReservationWithdrawn: { party: 'JPN', reservationId: 'JPN-1' },
  DeclarationMade: {
    party: 'USA',
    text: 'The United States understands Article 6 to include its forces afloat',
  },
  ObjectionMade: {
    party: 'USA',
    toParty: 'JPN',
    reservationId: 'JPN-1',
    text: 'The reservation is incompatible with the object and purpose of the treaty',
  },
  ProvisionalApplicationStarted: { party: 'JPN' },
  WithdrawalRescinded: { party: 'JPN', reason: 'Notice of withdrawal rescinded after talks' },
  SuccessionNotified: { party: 'CZE', predecessor: 'COW-CZE' },
  EventRetracted: {
    eventId: '0b5e1c7a-3f4d-4c2b-9a1e-6d7f8e9a0b1c',
    reason: 'Signature recorded for the wrong party (the signatory was Australian)',
  },
  AgreementLinked: { sameAs: 'atop-3375', reason: 'ATOP codes this treaty as alliance 3375' },
  AgreementTerminated: { reason: 'superseded', supersededBy: 'usa-jpn-1960' },
};
