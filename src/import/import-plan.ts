import type { EventInput } from '../agreements/write/record-agreement-events.command.js';

/**
 * What an importer plans, whatever its source: per agreement, the ordered events that tell its
 * story (each already checked against the schemas and the decider), and a warning for everything
 * in the data the ledger cannot take as it is, naming the file, the line and the column.
 */

export interface SourceRow {
  file: string;
  /** 1-based; the header is line 1. */
  line: number;
}

export interface ImportWarning extends SourceRow {
  field: string;
  message: string;
}

export const formatWarning = (w: ImportWarning) => `${w.file}:${w.line} ${w.field}: ${w.message}`;

export class Warnings {
  readonly list: ImportWarning[] = [];
  add(source: SourceRow, field: string, message: string): void {
    this.list.push({ file: source.file, line: source.line, field, message });
  }
}

export interface PlannedEvent extends EventInput {
  eventId: string;
  occurredOn: string;
  /** The row this event comes from: recorded in the event's metadata. */
  source: SourceRow;
  /** Metadata of its own, beside the row's. */
  metadata?: Record<string, string>;
}

export interface PlannedAgreement {
  id: string;
  events: PlannedEvent[];
}

export interface ImportPlan<A extends PlannedAgreement = PlannedAgreement> {
  agreements: A[];
  warnings: ImportWarning[];
}
