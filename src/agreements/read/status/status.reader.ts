import type { Agreement, AgreementStatus } from '../../domain/agreement.state.js';
import type { Page } from '../page.js';

export type AgreementView = Agreement & { version: number };

export interface AgreementSummary {
  id: string;
  title: string;
  status: AgreementStatus;
  parties: string[];
  provisions: string[];
  proposedOn: string;
  signedOn?: string;
  inForceOn?: string;
  endedOn?: string;
  lastEventOn: string;
  version: number;
}

export interface AgreementFilter {
  party?: string;
  status?: AgreementStatus;
  provision?: string;
  /** Active on that date: all signed (or in force) on or before it, not ended on or before it. */
  activeOn?: string;
  /** Words of the title, case-insensitive. */
  q?: string;
}

export interface StatusReader {
  get(id: string): Promise<AgreementView | undefined>;
  list(
    filter: AgreementFilter,
    limit: number,
    after?: string,
  ): Promise<Page<AgreementSummary, string> & { total: number }>;
}

export const STATUS_READER = Symbol('StatusReader');

export function summaryOf(view: AgreementView): AgreementSummary {
  return {
    id: view.id,
    title: view.title,
    status: view.status,
    parties: view.parties,
    provisions: view.provisions,
    proposedOn: view.proposedOn,
    ...(view.signedOn ? { signedOn: view.signedOn } : {}),
    ...(view.inForceOn ? { inForceOn: view.inForceOn } : {}),
    ...(view.endedOn ? { endedOn: view.endedOn } : {}),
    lastEventOn: view.lastEventOn,
    version: view.version,
  };
}
