import { Readable } from 'node:stream';
import type { EventStore, StoredEvent } from '../../../event-store/event-store.port.js';
import type { InclusionProof } from '../../../log/log-proofs.js';
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

/** Inclusion proofs for an export: each event in the tree of `treeSize` carries its own. */
export interface ExportProofs {
  treeSize: number;
  of(position: number): Promise<InclusionProof>;
}

/**
 * Streams an agreement's stored events as CSV or NDJSON, one page in memory at a time; with proofs
 * (NDJSON), each event in the proofs' tree carries `proof`, what `audit:verify --export` checks.
 */
export function exportStream(
  store: EventStore,
  streamId: string,
  format: ExportFormat,
  proofs?: ExportProofs,
): Readable {
  async function* lines(): AsyncGenerator<string> {
    if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
    for await (const e of rawStream(store, streamId)) {
      if (format === 'csv') {
        yield csvRow(e);
        continue;
      }
      const proof = proofs && e.position <= proofs.treeSize ? { proof: await proofs.of(e.position) } : {};
      yield `${JSON.stringify({ ...presentEvent(e), ...proof })}\n`;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}
