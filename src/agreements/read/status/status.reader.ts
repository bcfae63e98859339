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

/**
 * An agreement's status as JSON text: the stored state with its version added, served
 * without a parse and re-serialisation (the most frequent read of all).
 */
export interface AgreementViewJson {
  json: string;
  version: number;
}

/** The stored state text (a JSON object) with `version` appended. */
export const viewJson = (state: string, version: number): AgreementViewJson => ({
  json: `${state.slice(0, -1)},"version":${version}}`,
  version,
});

export interface StatusReader {
  get(id: string): Promise<AgreementView | undefined>;
  getJson(id: string): Promise<AgreementViewJson | undefined>;
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
