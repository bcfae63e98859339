import type { AgreementState } from '../domain/agreement.state.js';

/**
 * Where the write side gets an agreement's current state: the status read model row,
 * kept in the append transaction, so deciding never refolds the whole stream.
 */
export interface AgreementStates {
  load(agreementId: string): Promise<{ state: AgreementState; version: number }>;
}

export const AGREEMENT_STATES = Symbol('AgreementStates');
