import { z } from 'zod';
import { ALL_PARTIES, MILESTONE_STATUSES } from '../read/milestones/milestones.js';
import { isoDate, partyCode } from '../domain/agreement.values.js';
import { pageQuery, timelineQuery } from './agreement.requests.js';

const milestoneStatus = z.enum(MILESTONE_STATUSES, {
  message: `must be one of ${MILESTONE_STATUSES.join(', ')}`,
});

export const agreementMilestonesQuery = pageQuery.extend({ status: milestoneStatus.optional() });

export const milestonesQuery = agreementMilestonesQuery.extend({
  owner: z
    .union([z.literal(ALL_PARTIES), partyCode], {
      message: `must be a party code (USA, COW-BAV) or ${ALL_PARTIES}`,
    })
    .optional(),
  dueBefore: isoDate.optional(),
});

export const milestoneCursor = z.strictObject({
  dueOn: z.string(),
  agreementId: z.string(),
  milestoneId: z.string(),
});

export const globalTimelineQuery = timelineQuery.refine(
  (q) => q.from === undefined || q.to === undefined || q.from <= q.to,
  { message: 'must not be after to', path: ['from'] },
);

export const timelineCursor = z.strictObject({ occurredOn: z.string(), position: z.number().int() });

export const partyParam = partyCode;
