import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { eventDataSchemas, isAgreementEventType } from '../agreements/domain/agreement.events.js';
import { liveEvents } from '../agreements/domain/retractions.js';
import { GetAgreementEvents } from '../agreements/read/agreement.queries.js';
import {
  RecordAgreementEvents,
  type WriteContext,
} from '../agreements/write/record-agreement-events.command.js';
import { eventIdFor } from './event-ids.js';
import type { ImportPlan, ImportWarning, PlannedAgreement, PlannedEvent } from './import-plan.js';

export interface ImportOptions {
  /** Any warning refuses the whole import: nothing is written. */
  strict?: boolean;
  /** Agreements recorded at the same time; their appends share the store's group commits. */
  concurrency?: number;
  onProgress?(done: number, total: number): void;
}

export interface ImportSummary {
  /** Agreements in the data that the ledger can hold. */
  agreements: number;
  /** Events appended by this run (retractions not counted). */
  events: number;
  /** Events of an earlier import this run retracted, because the data now says otherwise. */
  retracted: number;
  /** Agreements already complete from an earlier run: nothing written. */
  skipped: number;
  warnings: ImportWarning[];
  failures: { agreementId: string; message: string }[];
  /** False when --strict refused the import because of warnings. */
  written: boolean;
}

/** What an import tells its user as it goes (the console report: src/import/import-report.ts). */
export interface ImportReporter {
  plan(line: string): void;
  warning(warning: ImportWarning): void;
  progress(done: number, total: number): void;
  refused(line: string): void;
  summary(summary: ImportSummary, seconds: number): void;
}

export interface ImportRun {
  strict: boolean;
  open: () => Promise<INestApplicationContext>;
  report: ImportReporter;
}

/**
 * A planned import as the command line runs it: report the plan and its warnings, stop there under
 * --strict with warnings, else open the application (only then: a refused import touches no
 * database) and record. Returns the summary, or undefined when --strict refused.
 */
export async function importPlan(
  label: string,
  plan: ImportPlan,
  source: string,
  { strict, open, report }: ImportRun,
  started = performance.now(),
): Promise<ImportSummary | undefined> {
  const planned = plan.agreements.reduce((n, a) => n + a.events.length, 0);
  report.plan(
    `${label}: ${plan.agreements.length} agreements, ${planned} events planned, ${plan.warnings.length} warnings`,
  );
  for (const w of plan.warnings) report.warning(w);
  if (strict && plan.warnings.length > 0) {
    report.refused(`--strict: ${plan.warnings.length} warnings, nothing written.`);
    return undefined;
  }
  const app = await open();
  try {
    const summary = await recordPlan(app, plan, source, {
      onProgress: (done, total) => report.progress(done, total),
    });
    report.summary(summary, (performance.now() - started) / 1000);
    return summary;
  } finally {
    await app.close();
  }
}

/** What the importer needs of the application: the command bus, and the query bus to compare with. */
interface ImportDeps {
  commands: CommandBus;
  queries: QueryBus;
}

/** A recorded event as the comparison needs it. */
interface Recorded {
  eventId: string;
  type: string;
  occurredOn: string;
  data: Record<string, unknown>;
}

/** The longest stream an agreement may have: read in one page. */
const WHOLE_STREAM = 1_000_000;

/**
 * Records a plan through the CommandBus, so every event passes the same decider as the HTTP
 * API. Re-runs are safe and upgrade an earlier import: each agreement's stream (as if its
 * retracted events had never been recorded) is compared with the plan, event by event; from the
 * first event that differs, the stored events are retracted, newest first (EventRetracted, so
 * nothing depends on the one retracted), and the planned ones recorded. An agreement whose
 * stream already says what the plan says is skipped.
 */
export async function recordPlan(
  app: INestApplicationContext,
  plan: ImportPlan,
  /** Named in every event's metadata (`source`), e.g. atop-4.01. */
  source: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const deps: ImportDeps = { commands: app.get(CommandBus), queries: app.get(QueryBus) };
  const summary: ImportSummary = {
    agreements: plan.agreements.length,
    events: 0,
    retracted: 0,
    skipped: 0,
    warnings: plan.warnings,
    failures: [],
    written: false,
  };
  if (options.strict && plan.warnings.length > 0) return summary;
  summary.written = true;

  const queue = [...plan.agreements];
  let done = 0;
  const worker = async () => {
    for (let a = queue.shift(); a !== undefined; a = queue.shift()) {
      try {
        const outcome = await recordAgreement(deps, a, source);
        if (outcome === 'skipped') summary.skipped++;
        else {
          summary.events += outcome.recorded;
          summary.retracted += outcome.retracted;
        }
      } catch (error) {
        summary.failures.push({ agreementId: a.id, message: (error as Error)?.message ?? String(error) });
      }
      options.onProgress?.(++done, plan.agreements.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 200, plan.agreements.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return summary;
}

async function recordAgreement(
  { commands, queries }: ImportDeps,
  agreement: PlannedAgreement,
  source: string,
): Promise<{ recorded: number; retracted: number } | 'skipped'> {
  const stored: Recorded[] = (await queries.execute(new GetAgreementEvents(agreement.id, WHOLE_STREAM)))
    .items;
  const live = liveEvents(stored.filter((e) => isAgreementEventType(e.type)));
  const planned = agreement.events;
  let same = 0;
  while (same < live.length && same < planned.length && sameEvent(live[same]!, planned[same]!)) same++;
  if (same === live.length && same === planned.length) return 'skipped';

  const known = new Set(stored.map((e) => e.eventId));
  let retracted = 0;
  for (const old of live.slice(same).reverse()) {
    const inputs = [
      {
        type: 'EventRetracted' as const,
        data: {
          eventId: old.eventId,
          reason: `re-import: the data now gives ${describePlanned(planned[same])} in place of this ${old.type} of ${old.occurredOn}`,
        },
        eventId: eventIdFor(`${agreement.id}|retract|${old.eventId}`),
      },
    ];
    const context: WriteContext = { actor: 'importer', source, extra: { source } };
    const result = await commands.execute(new RecordAgreementEvents(agreement.id, inputs, context));
    if (!result.duplicate) retracted++;
  }
  let recorded = 0;
  for (const batch of bySourceRow(planned.slice(same))) {
    const { file, line } = batch[0]!.source;
    const context: WriteContext = {
      actor: 'importer',
      source,
      extra: { source, sourceFile: file, sourceLine: line, ...batch[0]!.metadata },
    };
    // An id an earlier import used for what the data said then (now retracted) is not reused.
    const inputs = batch.map(({ type, occurredOn, data, eventId }) => ({
      type,
      occurredOn,
      data,
      eventId: unused(eventId, known),
    }));
    const result = await commands.execute(new RecordAgreementEvents(agreement.id, inputs, context));
    if (!result.duplicate) recorded += result.events.length;
  }
  return { recorded, retracted };
}

/**
 * The same fact: type, date and data (ids and metadata aside: an earlier import may have used
 * others). Stored data went through its event's schema, which orders its fields: so does the plan's.
 */
function sameEvent(stored: Recorded, planned: PlannedEvent): boolean {
  if (stored.type !== planned.type || stored.occurredOn !== planned.occurredOn) return false;
  const parsed = eventDataSchemas[planned.type].safeParse(planned.data);
  return parsed.success && JSON.stringify(stored.data) === JSON.stringify(parsed.data);
}

const describePlanned = (e: PlannedEvent | undefined) =>
  e === undefined ? 'nothing more' : `${e.type} of ${e.occurredOn}`;

/** The planned id, or (when the store holds it already) the first of its revisions it does not. */
function unused(eventId: string, known: ReadonlySet<string>): string {
  let id = eventId;
  for (let revision = 2; known.has(id); revision++) id = eventIdFor(`${eventId}|revision ${revision}`);
  return id;
}

/**
 * Consecutive events from the same CSV row go in one command, so each event's metadata names its
 * row, and an agreement takes as few appends as its rows allow (the proposal and the founding
 * signatures, all from the alliance row, commit together).
 */
export function bySourceRow(events: readonly PlannedEvent[]): PlannedEvent[][] {
  const batches: PlannedEvent[][] = [];
  for (const e of events) {
    const current = batches[batches.length - 1];
    const head = current?.[0];
    const same =
      head !== undefined &&
      head.source.file === e.source.file &&
      head.source.line === e.source.line &&
      JSON.stringify(head.metadata ?? {}) === JSON.stringify(e.metadata ?? {});
    if (current && same) {
      current.push(e);
    } else {
      batches.push([e]);
    }
  }
  return batches;
}
