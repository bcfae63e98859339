import type { AgreementEventType, EventData } from './agreement.events.js';
import type { IsoDate } from './agreement.values.js';

/**
 * A command asks to record one fact about an agreement. The ledger records what
 * happened in the world, so each command is named for the act and carries the data of
 * the event it would produce; `today` is the caller's clock (the domain never reads one).
 */
export const COMMAND_FOR = {
  AgreementProposed: 'ProposeAgreement',
  AgreementSigned: 'SignAgreement',
  ExerciseHeld: 'RecordExercise',
  ReviewConducted: 'RecordReview',
  AgreementAmended: 'AmendAgreement',
  AgreementWithdrawn: 'WithdrawFromAgreement',
  AgreementRatified: 'RatifyAgreement',
  AgreementEnteredIntoForce: 'BringIntoForce',
  PartyAcceded: 'AccedeToAgreement',
  MilestoneCommitted: 'CommitMilestone',
  MilestoneMet: 'MeetMilestone',
  ConsultationHeld: 'RecordConsultation',
  ContributionRecorded: 'RecordContribution',
  AgreementSuspended: 'SuspendAgreement',
  AgreementResumed: 'ResumeAgreement',
  AgreementRenewed: 'RenewAgreement',
  ReservationMade: 'MakeReservation',
  ReservationWithdrawn: 'WithdrawReservation',
  DeclarationMade: 'MakeDeclaration',
  ObjectionMade: 'MakeObjection',
  ProvisionalApplicationStarted: 'StartProvisionalApplication',
  WithdrawalRescinded: 'RescindWithdrawal',
  SuccessionNotified: 'NotifySuccession',
  EventRetracted: 'RetractEvent',
  AgreementLinked: 'LinkAgreement',
  AgreementTerminated: 'TerminateAgreement',
} as const satisfies Record<AgreementEventType, string>;

export type AgreementCommand = {
  [T in AgreementEventType]: {
    type: (typeof COMMAND_FOR)[T];
    /** The event this command records when it is accepted. */
    eventType: T;
    agreementId: string;
    occurredOn: IsoDate;
    data: EventData<T>;
    today: IsoDate;
  };
}[AgreementEventType];

export type CommandOfType<C extends AgreementCommand['type']> = Extract<AgreementCommand, { type: C }>;

/** Builds the command that records an event of the given type. */
export function commandFor<T extends AgreementEventType>(
  eventType: T,
  fields: { agreementId: string; occurredOn: IsoDate; data: EventData<T>; today: IsoDate },
): AgreementCommand {
  return { type: COMMAND_FOR[eventType], eventType, ...fields } as AgreementCommand;
}
