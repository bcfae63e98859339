import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { EVENT_EXAMPLES, EVENT_TYPES, eventDataSchemas } from '../agreements/domain/agreement.events.js';
import { proposeRequest } from '../agreements/http/agreement.requests.js';
import { subscriptionRequest } from '../webhooks/subscription.requests.js';

type Operation = {
  summary?: string;
  description?: string;
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as Record<
    string,
    unknown
  >;

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** What each route does, keyed "METHOD path" as Nest registers it. */
const OPERATIONS: Record<string, Operation> = {
  'post /api/agreements': {
    summary: 'Propose an agreement',
    description: 'Records AgreementProposed on a new stream. 201 with Location and ETag "1".',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/ProposeAgreementRequest' },
          example: { id: 'usa-jpn-1960', occurredOn: '1960-01-06', ...EVENT_EXAMPLES.AgreementProposed },
        },
      },
    },
    responses: {
      '201': { description: 'Proposed: the agreement status' },
      '400': problemResponse('Invalid request'),
      '409': problemResponse('Already exists'),
    },
  },
  'post /api/agreements/{id}/events': {
    summary: 'Record one event, or an array of events atomically',
    description:
      'Honours If-Match: "<version>" (stale ⇒ 412). Each event: {type, occurredOn?, eventId?, data}.',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: '#/components/schemas/RecordEventRequest' },
              {
                type: 'array',
                minItems: 1,
                maxItems: 100,
                items: { $ref: '#/components/schemas/RecordEventRequest' },
              },
            ],
          },
          examples: Object.fromEntries(
            EVENT_TYPES.map((type) => [
              type,
              { value: { type, occurredOn: '2025-01-15', data: EVENT_EXAMPLES[type] } },
            ]),
          ),
        },
      },
    },
    responses: {
      '201': { description: 'The stored event (or events), with ETag = the new version' },
      '400': problemResponse('Invalid event'),
      '404': problemResponse('No such agreement'),
      '409': problemResponse(
        'Refused by the agreement rules (e.g. AgreementClosed), or EventIdConflict: an eventId already stored ' +
          'for another event (`field` names what differs: type, occurredOn or data)',
      ),
      '412': problemResponse('If-Match is stale'),
      '413': problemResponse('Body over the size limit'),
    },
  },
  'get /api/agreements': {
    summary: 'List agreements (party, status, provision, activeOn, includeUncertain, q, limit, cursor)',
    description:
      'activeOn=YYYY-MM-DD counts a date known only to its month or year once the whole period has passed; ' +
      'includeUncertain=true also lists the agreements whose activity that day the record leaves open, ' +
      'each marked `uncertain: true`.',
  },
  'get /api/log/checkpoint': {
    summary: "The log's latest signed checkpoint (text/plain: a C2SP signed note of a tlog-checkpoint)",
    description:
      'Origin, tree size (every event so far) and the RFC 9162 root hash of the tree whose leaves are the ' +
      "events' chain hashes in position order, signed with the log's Ed25519 key (GET /api/log/key).",
  },
  'get /api/log/checkpoints': { summary: 'Every checkpoint the log has signed, by tree size (after, limit)' },
  'get /api/log/key': { summary: "The log's verifier key (text/plain, a C2SP vkey line)" },
  'get /api/log/proof/inclusion': {
    summary: 'The RFC 9162 inclusion proof of the event at a position in the tree of a size',
  },
  'get /api/log/proof/consistency': {
    summary: 'The RFC 9162 consistency proof between the trees of two sizes',
  },
  'get /api/stats/agreements': {
    summary: 'Agreements signed, or in force, per year (groupBy=year, measure, party, provision, source)',
    description:
      'measure=signed counts the agreements signed each year (the year of the last signature, at whatever ' +
      'precision it is known); measure=in_force those in force at some time in the year, from the year of entry ' +
      'into force to the year it ended (or this year). One row per year, from counts grouped in SQL.',
  },
  'get /api/agreements/{id}': {
    summary: 'Agreement status; asOf, knownAt and version give as-of views',
    description:
      'An as-of view (asOf=YYYY-MM-DD) counts an event dated to a month or a year once its whole period has ' +
      'passed; while the day lies inside such a period the view says so: `uncertain: true` and ' +
      '`uncertainEvents` (their event ids). Retracted events (EventRetracted) count in no view.',
  },
  'get /api/agreements/{id}/timeline': {
    summary: "The agreement's events in business-date order",
    description:
      "Ordered by the start of each date's period, then position. Each item has `datePrecision` (year, month " +
      'or day); an item retracted by a later EventRetracted stays, with `retracted: true` and `retractionReason`.',
  },
  'get /api/agreements/{id}/events': {
    summary: 'The raw stored events with all metadata and hashes (format=csv|ndjson exports; proofs=N)',
    description:
      'With format=ndjson&proofs=<tree size>, each event in that tree carries `proof`, its RFC 9162 inclusion proof: ' +
      'what `npm run audit:verify -- --export <file> --checkpoint <note> --key <vkey>` checks offline.',
  },
  'get /api/agreements/{id}/proof-bundle': {
    summary:
      "The agreement's proof bundle: its events with inclusion proofs, the latest checkpoint and the log's key",
    description:
      'One JSON document for an auditor to keep and check offline with `npm run audit:verify -- --export <bundle> ' +
      "--key <the log's key from a source she trusts>`.",
  },
  'get /api/session': {
    summary: "The calling key's id, name, role and parties (never the key): what the pages show controls for",
  },
  'get /api/event-types': {
    summary:
      'Every event type as a form draws it: fields, kinds, required flags, allowed values and statuses',
    description:
      'Read from the zod schemas that validate the events. kind is date (YYYY, YYYY-MM or YYYY-MM-DD), party, ' +
      'parties, choice, choices, text, long-text, integer, boolean, list or object; allowedIn lists the ' +
      'statuses in which the event may be recorded (empty for AgreementProposed, which starts an agreement).',
  },
  'get /api/milestones.ics': {
    summary:
      'Open and due-soon milestones as an iCalendar feed (owner, agreement; the key may be ?access_token=)',
    description:
      'RFC 5545 text/calendar: one all-day VEVENT per milestone on the day it is due by, a stable UID, a ' +
      'reminder 30 days before and the agreement page as URL. Calendar clients send no header: subscribe ' +
      'with the key as ?access_token= (a viewer key is enough; never logged).',
  },
  'get /api/agreements/{id}/milestones': {
    summary: "The agreement's milestones (status, limit, cursor)",
    description:
      'Committed milestones and those derived from its terms (next review, term end, a withdrawal taking ' +
      'effect). Status open, due_soon (within 30 days), overdue, met or met_late (with daysLate), judged today.',
  },
  'get /api/milestones': {
    summary: 'Milestones across agreements (status, owner, dueBefore, limit, cursor)',
    description:
      'Ordered by due date. owner=<party> gives its own milestones and the shared (owner ALL) ones of ' +
      'agreements it is a party to; owner=ALL the shared ones only. dueBefore is exclusive.',
  },
  'get /api/timeline': {
    summary: 'Events across agreements (party, from, to, type, limit, cursor)',
    description:
      'Business-date order, ties by position; each entry with agreementId, dates, actor and summary.',
  },
  'get /api/parties/{code}': {
    summary: "A party's agreements by status, partners, contributions and milestones",
    description:
      'Partners with shared agreements, joint exercises and both sides of their contributions (with shares); ' +
      'open and overdue milestones. A well-formed code with no agreements gets empty lists.',
  },
  'post /api/subscriptions': {
    summary: 'Subscribe a URL to events by webhook (admin): the signing secret is shown this once',
    description:
      'Body { url, events?, agreements?, parties?, after? } (an absent list lets all through; after: also ' +
      'deliver what was recorded after that position). Deliveries: POST of { type, timestamp, data: the event } ' +
      'signed per Standard Webhooks (webhook-id = the event position, webhook-timestamp, webhook-signature), at ' +
      'least once, in position order, retried with exponential backoff; after WEBHOOK_MAX_ATTEMPTS the ' +
      'subscription is paused with its error. The URL must be http(s) without credentials and reach public ' +
      'addresses only, unless its host is listed in WEBHOOK_ALLOWED_HOSTS (400 naming the rule allowed_host).',
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/SubscriptionRequest' },
          example: { url: 'https://cases.example/treaty-hooks', events: ['AgreementEnteredIntoForce'] },
        },
      },
    },
    responses: {
      '201': {
        description: 'The subscription, with its secret (whsec_…): keep it, it is not shown again',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/NewSubscription' } } },
      },
    },
  },
  'get /api/subscriptions': {
    summary: 'Every webhook subscription, its checkpoint, status and last error (admin)',
    responses: {
      '200': {
        description: 'The subscriptions',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Subscription' } } },
            },
          },
        },
      },
    },
  },
  'get /api/subscriptions/{subscriptionId}': {
    summary: 'One webhook subscription (admin)',
    responses: {
      '200': {
        description: 'The subscription',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Subscription' } } },
      },
    },
  },
  'delete /api/subscriptions/{subscriptionId}': {
    summary: 'Delete a webhook subscription and its delivery log (admin)',
    responses: { '204': { description: 'Deleted' } },
  },
  'post /api/subscriptions/{subscriptionId}/resume': {
    summary: 'Resume a paused subscription from its checkpoint: the event that failed is sent again (admin)',
    responses: {
      '200': {
        description: 'The subscription, active again',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Subscription' } } },
      },
    },
  },
  'get /api/subscriptions/{subscriptionId}/deliveries': {
    summary:
      "A subscription's delivery log, newest first: status, attempts, latency, last error (limit, before)",
  },
  'get /health': { summary: 'Liveness and readiness' },
  'get /api/agreements/{id}/audit/verify': {
    summary: "Verify the agreement's hash chain: { valid, checked, firstInvalidPosition }",
  },
  'get /api/states': {
    summary:
      'The states a party code may name: every ISO 3166-1 alpha-3 code in use and the historical (COW) states',
    description:
      '{ items: [{ code, name, historical, cowCode?, successors? }] }, all in one answer. A party code that is ' +
      'well formed but not listed here is refused with 400, rule UnknownState.',
  },
};

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type, nullable: true, ...extra });

const SUBSCRIPTION_SCHEMA = {
  type: 'object',
  required: ['id', 'url', 'status', 'position', 'createdAt', 'createdBy'],
  properties: {
    id: { type: 'string', example: 'sub_0f3c…' },
    url: { type: 'string' },
    events: nullable('array', { items: { type: 'string' } }),
    agreements: nullable('array', { items: { type: 'string' } }),
    parties: nullable('array', { items: { type: 'string' } }),
    status: { type: 'string', enum: ['active', 'paused'] },
    position: {
      type: 'integer',
      description: 'Checkpoint: every event up to here is delivered or not asked for',
    },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
    lastError: nullable('string'),
    lastErrorAt: nullable('string', { format: 'date-time' }),
  },
};

export function buildOpenApiDocument(app: INestApplication, publicUrl?: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Treaty Ledger')
    .setDescription(
      'Event-sourced ledger of defense agreements. Errors are RFC 9457 application/problem+json.',
    )
    .setVersion('0.1.0')
    .addServer(publicUrl ?? '/', publicUrl ? 'PUBLIC_URL' : 'This server (PUBLIC_URL is not set)')
    .setLicense('UNLICENSED', '')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key: npm run keys -- create …' },
      'apiKey',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas: Record<string, unknown> = {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
    ProposeAgreementRequest: jsonSchema(proposeRequest),
    SubscriptionRequest: jsonSchema(subscriptionRequest),
    Subscription: SUBSCRIPTION_SCHEMA,
    NewSubscription: {
      allOf: [
        { $ref: '#/components/schemas/Subscription' },
        {
          type: 'object',
          required: ['secret'],
          properties: { secret: { type: 'string', description: 'whsec_ and base64: shown only here' } },
        },
      ],
    },
    RecordEventRequest: {
      oneOf: EVENT_TYPES.map((type) => ({ $ref: `#/components/schemas/${type}Request` })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(EVENT_TYPES.map((type) => [type, `#/components/schemas/${type}Request`])),
      },
    },
  };
  for (const type of EVENT_TYPES) {
    schemas[`${type}Request`] = {
      type: 'object',
      required: ['type', 'data'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: [type] },
        occurredOn: {
          type: 'string',
          pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$',
          description: 'Business date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD; defaults to today',
        },
        eventId: { type: 'string', format: 'uuid', description: 'Makes a retry idempotent' },
        data: jsonSchema(eventDataSchemas[type]),
      },
      example: { type, occurredOn: '2025-01-15', data: EVENT_EXAMPLES[type] },
    };
  }
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(schemas as object) },
  };
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods as Record<string, Operation>)) {
      Object.assign(operation, OPERATIONS[`${method} ${path}`] ?? {});
      if (!path.startsWith('/api')) {
        // Public (health, metrics unless METRICS_PUBLIC=false): said, not left to a default.
        Object.assign(operation, { security: [] });
        operation.responses = {
          '400': problemResponse(
            'The request target is not a path (absolute-form): refused before any route',
          ),
          ...(path === '/metrics'
            ? { '401': problemResponse('METRICS_PUBLIC=false and no valid API key') }
            : {}),
          ...operation.responses,
        };
        continue;
      }
      Object.assign(operation, { security: [{ apiKey: [] }] });
      const adminOnly = path.startsWith('/api/subscriptions');
      const writes = method !== 'get';
      operation.responses = {
        '400': problemResponse(
          'A path parameter, query parameter, header or body field breaks a rule: the field and the rule are named',
        ),
        '401': problemResponse('No API key, or a revoked one'),
        ...(adminOnly
          ? { '403': problemResponse('Not an admin key') }
          : writes
            ? {
                '403': problemResponse(
                  'This key may not write here (viewer, or a recorder outside its parties)',
                ),
              }
            : {}),
        ...(path.includes('{')
          ? { '404': problemResponse(adminOnly ? 'No such subscription' : 'No such agreement or party') }
          : {}),
        ...(method === 'post'
          ? {
              '409': problemResponse(
                'Refused by the agreement rules, or IdempotencyKeyInFlight: the same Idempotency-Key is still running elsewhere (Retry-After)',
              ),
              '413': problemResponse('Body over the size limit (BODY_LIMIT_BYTES)'),
              '415': problemResponse('The body is not application/json'),
              '422': problemResponse('Idempotency-Key reused with a different request'),
            }
          : {}),
        '429': problemResponse('Rate limit for this key reached (Retry-After)'),
        '503': problemResponse('The database cannot be reached or cannot take writes now (Retry-After)'),
        // A route's own descriptions win over these generic ones.
        ...operation.responses,
      };
    }
  }
  return document;
}

export function setUpOpenApi(app: INestApplication, path: string, publicUrl?: string): void {
  SwaggerModule.setup(path, app, () => buildOpenApiDocument(app, publicUrl), {
    jsonDocumentUrl: `${path}-json`,
  });
}
