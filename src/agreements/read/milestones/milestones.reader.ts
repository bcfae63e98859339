import type { IsoDate } from '../../domain/agreement.values.js';
import type { Page } from '../page.js';
import { judge, type MilestoneKind, type MilestoneStatus, type MilestoneView } from './milestones.js';

/** Milestone list order: due date, agreement, milestone id. */
export interface MilestoneKey {
  dueOn: IsoDate;
  agreementId: string;
  milestoneId: string;
}

export interface MilestoneFilter {
  /** Any of these statuses, as judged on the reader's `today`. */
  statuses?: readonly MilestoneStatus[];
  /**
   * A party: the milestones it owns and the shared (ALL) ones of agreements it is a
   * current party to. `ALL`: the shared ones only.
   */
  owner?: string;
  /** Due strictly before this date. */
  dueBefore?: IsoDate;
}

export interface MilestonesReader {
  list(
    filter: MilestoneFilter,
    today: IsoDate,
    limit: number,
    after?: MilestoneKey,
  ): Promise<Page<MilestoneView, MilestoneKey>>;
}

export const MILESTONES_READER = Symbol('MilestonesReader');

export const keyOfMilestone = (m: MilestoneView): MilestoneKey => ({
  dueOn: m.dueOn,
  agreementId: m.agreementId,
  milestoneId: m.milestoneId,
});

/** A `milestones` row as both readers select it (columns aliased to camelCase). */
export interface MilestoneRow {
  agreementId: string;
  milestoneId: string;
  kind: MilestoneKind;
  description: string;
  owner: string;
  dueOn: string;
  metOn: string | null;
}

/** A row judged against today: the same rules whichever database it came from. */
export const judgeRow = ({ metOn, ...fact }: MilestoneRow, today: string) =>
  judge(metOn === null ? fact : { ...fact, metOn }, today);
