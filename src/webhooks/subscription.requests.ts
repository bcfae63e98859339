import { z } from 'zod';
import { EVENT_TYPES } from '../agreements/domain/agreement.events.js';
import { agreementId, partyCode } from '../agreements/domain/agreement.values.js';
import { limitParam } from '../http/pagination.js';

const MAX_FILTER_ENTRIES = 100;

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(MAX_FILTER_ENTRIES).optional();

/** POST /api/subscriptions: where to deliver and, optionally, which events (an absent list: all). */
export const subscriptionRequest = z.strictObject({
  url: z.string().max(2048, { message: 'must be at most 2048 characters' }),
  events: list(
    z.enum(EVENT_TYPES as [string, ...string[]], { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
  ),
  agreements: list(agreementId),
  parties: list(partyCode),
  /** Deliver what was recorded after this position too (default: only events recorded from now on). */
  after: z.number().int().min(0).optional(),
});
export type SubscriptionRequest = z.infer<typeof subscriptionRequest>;

export const subscriptionId = z
  .string()
  .regex(/^sub_[0-9a-f]{32}$/, { message: 'must be a subscription id' });

export const deliveriesQuery = z.strictObject({
  limit: limitParam,
  before: z
    .string()
    .regex(/^\d{1,15}$/, { message: 'must be a whole number' })
    .transform(Number)
    .optional(),
});
