import { z } from 'zod';
import { agreementId } from '../agreements/domain/agreement.values.js';
import { limitParam } from '../http/pagination.js';

/** A global position as sent in a query string or the Last-Event-ID header. */
export const positionParam = z
  .string()
  .regex(/^\d{1,15}$/, { message: 'must be a global position (a whole number, 0 or more)' })
  .transform(Number);

export const feedQuery = z.strictObject({
  after: positionParam.optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export const liveQuery = z.strictObject({
  agreement: agreementId.optional(),
  /** For clients that cannot set the Last-Event-ID header on their first connection. */
  lastEventId: positionParam.optional(),
  /** Read by the API key guard (EventSource cannot send headers); nothing to do here. */
  access_token: z.string().max(512).optional(),
});
