import type { ImportPlan, PlannedAgreement as BasePlannedAgreement } from '../import-plan.js';
import { checked } from './atop.checks.js';
import { agreementIdOf, draftEvents } from './atop.drafting.js';
import { membershipsOf, successorIndex, type Membership } from './atop.memberships.js';
import { readAtopRows, Warnings, type AtopTables } from './atop.rows.js';

export { agreementIdOf } from './atop.drafting.js';
export {
  ATOP_FILES,
  formatWarning,
  type AtopTables,
  type ImportWarning,
  type SourceRow,
} from './atop.rows.js';

/**
 * PURE: the four ATOP tables → per alliance, the ordered events that tell its story, plus a
 * warning for everything in the data the ledger cannot take as it is. Every planned event
 * has already passed the same schema and decider the write side applies, so recording the
 * plan cannot be refused (unless someone else wrote to the same agreements meanwhile).
 */

export const ATOP_SOURCE = 'atop-4.01';

export type { PlannedEvent } from '../import-plan.js';

export interface PlannedAgreement extends BasePlannedAgreement {
  atopid: string;
}

export type AtopPlan = ImportPlan<PlannedAgreement>;

export function planAtopImport(tables: AtopTables, options: { today: string }): AtopPlan {
  const warnings = new Warnings();
  const { today } = options;
  const { alliances, members, phases } = readAtopRows(tables, warnings, today);

  // First pass: who belonged when, so a successor can be found for a replaced alliance.
  const memberships = new Map<string, Membership[]>();
  for (const a of alliances) {
    memberships.set(a.atopid, membershipsOf(a, members.get(a.atopid) ?? [], warnings));
  }
  const successors = successorIndex(alliances, memberships);

  const agreements: PlannedAgreement[] = [];
  for (const a of alliances) {
    const drafts = draftEvents(
      a,
      memberships.get(a.atopid)!,
      phases.get(a.atopid) ?? [],
      successors,
      warnings,
    );
    const id = agreementIdOf(a.atopid);
    const events = checked(id, drafts, today, warnings);
    if (events.length > 0) agreements.push({ id, atopid: a.atopid, events });
  }
  return { agreements, warnings: warnings.list };
}
