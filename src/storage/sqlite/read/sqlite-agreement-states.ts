import type { Database } from 'better-sqlite3';
import type { AgreementStates } from '../../../agreements/write/agreement-states.js';
import { loadStatusRow } from './sqlite-status.projection.js';

export class SqliteAgreementStates implements AgreementStates {
  constructor(private readonly db: Database) {}

  async load(agreementId: string) {
    return loadStatusRow(this.db, agreementId);
  }
}
