import { Readable } from 'node:stream';
import type { EventStore, StoredEvent } from '../../../event-store/event-store.port.js';
import { presentEvent } from '../../http/event.presenter.js';
import { rawStream } from './audit.queries.js';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CSV_COLUMNS = [
  'position',
  'version',
  'event_id',
  'type',
  'schema_version',
  'occurred_on',
  'recorded_at',
  'actor',
  'key_id',
  'correlation_id',
  'request_id',
  'data',
  'metadata',
  'prev_hash',
  'hash',
] as const;

/**
 * A spreadsheet reads a cell that starts with one of these as a formula (OWASP "CSV injection"):
 * such a cell is written with a leading `'`, which makes it text. Every cell, since actors,
 * correlation ids and data all come from outside.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes. */
export const csvField = (value: string | number | undefined) => {
  const raw = value === undefined ? '' : String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function csvRow(e: StoredEvent): string {
  const m = e.metadata;
  const values = [
    e.position,
    e.version,
    e.eventId,
    e.type,
    e.schemaVersion,
    e.occurredOn,
    e.recordedAt,
    m.actor,
    m.keyId,
    m.correlationId,
    m.requestId,
    JSON.stringify(e.data),
    JSON.stringify(m),
    e.prevHash,
    e.hash,
  ];
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Streams an agreement's stored events as CSV or NDJSON, one page in memory at a time. */
export function exportStream(store: EventStore, streamId: string, format: ExportFormat): Readable {
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
    for await (const e of rawStream(store, streamId)) {
      yield format === 'csv' ? csvRow(e) : `${JSON.stringify(presentEvent(e))}\n`;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
