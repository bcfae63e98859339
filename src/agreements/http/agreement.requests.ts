import { z } from 'zod';
import { EVENT_TYPES, eventDataSchemas, type AgreementEventType } from '../domain/agreement.events.js';
import { STATUSES } from '../domain/agreement.state.js';
import { agreementId, eventDate, isoDate, partyCode, provision, text } from '../domain/agreement.values.js';
import { limitParam } from '../../http/pagination.js';
import { parseOrThrow } from '../../http/zod-validation.js';
import { validationProblem } from '../../http/problem.js';
import { EXPORT_FORMATS } from '../read/audit/audit.export.js';
import { AGREEMENT_SOURCES } from '../read/status/status.reader.js';
import { periodEnd, periodStart } from '../domain/dates.js';
import type { EventInput } from '../write/record-agreement-events.command.js';

/** Fields a client may send with any event; actor, version, timestamps and hashes are the server's. */
const envelope = {
  occurredOn: eventDate.optional(),
  eventId: z.uuid({ message: 'must be a UUID' }).optional(),
};

export const proposeRequest = eventDataSchemas.AgreementProposed.extend({
  id: agreementId.optional(),
  ...envelope,
});
export type ProposeRequest = z.infer<typeof proposeRequest>;

const eventRequest = z.strictObject({
  type: z.enum(EVENT_TYPES as [AgreementEventType, ...AgreementEventType[]], {
    message: `must be one of ${EVENT_TYPES.join(', ')}`,
  }),
  data: z.record(z.string(), z.unknown()).default({}),
  ...envelope,
});

export const MAX_EVENTS_PER_REQUEST = 100;

/** One event or an array of them; each event's data is checked against its type's schema. */
export function parseEventRequests(body: unknown): { inputs: EventInput[]; many: boolean } {
  const many = Array.isArray(body);
  const items: unknown[] = many ? (body as unknown[]) : [body];
  if (items.length === 0 || items.length > MAX_EVENTS_PER_REQUEST) {
    throw validationProblem([
      { field: '(body)', rule: 'array_length', message: `must hold 1 to ${MAX_EVENTS_PER_REQUEST} events` },
    ]);
  }
  const inputs = items.map((item, i) => {
    const prefix = many ? `${i}` : '';
    const e = parseOrThrow(eventRequest, item, prefix);
    const data = parseOrThrow(eventDataSchemas[e.type], e.data, many ? `${i}.data` : 'data') as Record<
      string,
      unknown
    >;
    return {
      type: e.type,
      data,
      ...(e.occurredOn ? { occurredOn: e.occurredOn } : {}),
      ...(e.eventId ? { eventId: e.eventId } : {}),
    };
  });
  return { inputs, many };
}

export const listAgreementsQuery = z.strictObject({
  party: partyCode.optional(),
  status: z.enum(STATUSES).optional(),
  provision: provision.optional(),
  activeOn: isoDate.optional(),
  includeUncertain: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  q: text(200).optional(),
  source: z.enum(AGREEMENT_SOURCES, { message: `must be one of ${AGREEMENT_SOURCES.join(', ')}` }).optional(),
  // A year, a month or a day: from the first day of its period, to the last.
  signedFrom: eventDate.transform(periodStart).optional(),
  signedTo: eventDate.transform(periodEnd).optional(),
  limit: limitParam,
  cursor: z.string().max(500).optional(),
});

export const getAgreementQuery = z.strictObject({
  asOf: isoDate.optional(),
  knownAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp' }).optional(),
  version: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, { message: 'must be a positive whole number' })
    .transform(Number)
    .optional(),
});

export const pageQuery = z.strictObject({ limit: limitParam, cursor: z.string().max(500).optional() });

export const eventsQuery = pageQuery.extend({
  format: z.enum(EXPORT_FORMATS, { message: 'must be csv or ndjson' }).optional(),
  /** A tree size: each exported event carries its inclusion proof in that tree (issue 18). */
  proofs: z
    .string()
    .regex(/^[1-9]\d{0,11}$/, { message: 'must be a tree size (a positive whole number)' })
    .transform(Number)
    .optional(),
});

export const timelineQuery = pageQuery.extend({
  party: partyCode.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  type: z.enum(EVENT_TYPES as [AgreementEventType, ...AgreementEventType[]]).optional(),
});

export const idParam = agreementId;
