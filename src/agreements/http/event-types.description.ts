import { z } from 'zod';
import { statusesAllowing } from '../domain/agreement.decider.js';
import { EVENT_TYPES, eventDataSchemas, type AgreementEventType } from '../domain/agreement.events.js';
import { eventDate, partyCode } from '../domain/agreement.values.js';

/** What a form needs to draw one field of an event's data. */
export interface FieldDescription {
  name: string;
  /** The name in words: `startedOn` → "Started on". */
  label: string;
  /**
   * date (YYYY, YYYY-MM or YYYY-MM-DD), party (a state code), parties (a list of them), choice (one of
   * `allowedValues`), choices (several), text (one line), long-text, integer, boolean, list (of text),
   * object (a JSON object: see `schema`).
   */
  kind:
    | 'date'
    | 'party'
    | 'parties'
    | 'choice'
    | 'choices'
    | 'text'
    | 'long-text'
    | 'integer'
    | 'boolean'
    | 'list'
    | 'object';
  required: boolean;
  allowedValues?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  /** The field's JSON Schema, as the OpenAPI document gives it. */
  schema: JsonSchema;
}

export interface EventTypeDescription {
  type: AgreementEventType;
  label: string;
  /** The statuses an agreement must be in for this event (empty: it starts a new agreement). */
  allowedIn: readonly string[];
  fields: FieldDescription[];
}

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as JsonSchema;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const DATE = jsonSchema(eventDate);
const PARTY = jsonSchema(partyCode);

/** camelCase in words, the first capitalised: `nextReviewDue` → "Next review due". */
const inWords = (name: string) => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function kindOf(schema: JsonSchema): FieldDescription['kind'] {
  if (schema.type === 'string' && schema.pattern === DATE.pattern) return 'date';
  if (same(schema, PARTY)) return 'party';
  const items = schema.items as JsonSchema | undefined;
  if (schema.type === 'array' && items) {
    if (same(items, PARTY)) return 'parties';
    if (Array.isArray(items.enum)) return 'choices';
    return 'list';
  }
  if (Array.isArray(schema.enum)) return 'choice';
  if (schema.type === 'integer' || schema.type === 'number') return 'integer';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'object') return 'object';
  return typeof schema.maxLength === 'number' && schema.maxLength > 300 ? 'long-text' : 'text';
}

function describeField(name: string, schema: JsonSchema, required: boolean): FieldDescription {
  const kind = kindOf(schema);
  const items = schema.items as JsonSchema | undefined;
  const allowed = (schema.enum ?? items?.enum) as unknown[] | undefined;
  return {
    name,
    label: inWords(name),
    kind,
    required,
    ...(allowed ? { allowedValues: allowed } : {}),
    ...(typeof schema.minimum === 'number' ? { minimum: schema.minimum } : {}),
    ...(typeof schema.maximum === 'number' ? { maximum: schema.maximum } : {}),
    ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
    schema,
  };
}

/**
 * Every event type as a form would draw it, read from the very zod schemas that validate the data
 * (no second copy): its fields, their kinds, required flags and allowed values, and the statuses in
 * which the decider accepts it.
 */
export function describeEventTypes(): EventTypeDescription[] {
  return EVENT_TYPES.map((type) => {
    const schema = jsonSchema(eventDataSchemas[type]);
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema.required ?? []) as string[]);
    return {
      type,
      label: inWords(type.replace(/^Agreement(?=[A-Z])/, '')),
      allowedIn: statusesAllowing(type),
      fields: Object.entries(properties).map(([name, field]) =>
        describeField(name, field, required.has(name)),
      ),
    };
  });
}
