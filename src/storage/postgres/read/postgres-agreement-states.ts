import type pg from 'pg';
import type { AgreementStates } from '../../../agreements/write/agreement-states.js';
import { loadPostgresStatusRow } from './postgres-status.projection.js';

export class PostgresAgreementStates implements AgreementStates {
  constructor(private readonly pool: pg.Pool) {}

  async load(agreementId: string) {
    return loadPostgresStatusRow(this.pool, agreementId);
  }
}
