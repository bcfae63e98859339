import type { AgreementView } from '../status/status.reader.js';

export interface PartyReader {
  /** Every agreement the party is or ever was a party to, by id. */
  agreementsOf(party: string): Promise<AgreementView[]>;
  /** Per partner: the exercises both took part in. */
  jointExercises(party: string): Promise<Map<string, number>>;
}

export const PARTY_READER = Symbol('PartyReader');
