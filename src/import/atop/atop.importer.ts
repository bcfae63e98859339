import type { INestApplicationContext } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { todayUtc } from '../../clock.js';
import {
  importPlan,
  recordPlan,
  type ImportOptions,
  type ImportRun,
  type ImportSummary,
} from '../record-plan.js';
import { ATOP_FILES, ATOP_SOURCE, planAtopImport, type AtopPlan, type AtopTables } from './atop.mapping.js';
import { parseCsv } from '../csv.js';

export type AtopImportOptions = ImportOptions;
export type AtopImportSummary = ImportSummary;
export type { ImportReporter } from '../record-plan.js';
export { bySourceRow } from '../record-plan.js';

/** Reads the four CSV files of an ATOP folder. */
export async function readAtopFolder(folder: string): Promise<AtopTables> {
  const entries = await Promise.all(
    Object.entries(ATOP_FILES).map(async ([key, file]) => {
      const text = await readFile(join(folder, file), 'utf8');
      return [key, parseCsv(text, file)] as const;
    }),
  );
  return Object.fromEntries(entries) as AtopTables;
}

/** A folder's plan, dated today (what lies after today is refused by the rules). */
export async function planAtopFolder(folder: string): Promise<AtopPlan> {
  return planAtopImport(await readAtopFolder(folder), { today: todayUtc() });
}

/**
 * The whole import of a folder, as `npm run import:atop` runs it (src/import/record-plan.ts:
 * importPlan). Returns the summary, or undefined when --strict refused.
 */
export async function importAtopFolder(
  folder: string,
  options: ImportRun,
): Promise<AtopImportSummary | undefined> {
  const started = performance.now();
  const plan = await planAtopFolder(folder);
  return importPlan(`ATOP 4.01 from ${folder}`, plan, ATOP_SOURCE, options, started);
}

/** Reads, maps and records a folder through a running application (HTTP server or not). */
export async function runAtopImport(
  app: INestApplicationContext,
  folder: string,
  options: AtopImportOptions = {},
): Promise<AtopImportSummary> {
  return recordAtopPlan(app, await planAtopFolder(folder), options);
}

/** Records an ATOP plan through the command path (src/import/record-plan.ts), naming atop-4.01 as the source. */
export const recordAtopPlan = (app: INestApplicationContext, plan: AtopPlan, options: ImportOptions = {}) =>
  recordPlan(app, plan, ATOP_SOURCE, options);
