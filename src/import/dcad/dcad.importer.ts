import type { INestApplicationContext } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { todayUtc } from '../../clock.js';
import { parseCsv } from '../csv.js';
import {
  importPlan,
  recordPlan,
  type ImportOptions,
  type ImportRun,
  type ImportSummary,
} from '../record-plan.js';
import { DCAD_FILE, DCAD_SOURCE, planDcadImport, type DcadPlan } from './dcad.mapping.js';

/** A DCAD folder's plan (its DCAD-v1.0-main.csv), dated today. */
export async function planDcadFolder(folder: string): Promise<DcadPlan> {
  const table = parseCsv(await readFile(join(folder, DCAD_FILE), 'utf8'), DCAD_FILE);
  return planDcadImport(table, { today: todayUtc() });
}

/** The whole import of a folder, as `npm run import:dcad` runs it; undefined when --strict refused. */
export async function importDcadFolder(
  folder: string,
  options: ImportRun,
): Promise<ImportSummary | undefined> {
  const started = performance.now();
  return importPlan(`DCAD 1.0 from ${folder}`, await planDcadFolder(folder), DCAD_SOURCE, options, started);
}

/** Reads, maps and records a folder through a running application (HTTP server or not). */
export async function runDcadImport(
  app: INestApplicationContext,
  folder: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  return recordPlan(app, await planDcadFolder(folder), DCAD_SOURCE, options);
}
