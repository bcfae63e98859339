import { createCliContext } from '../src/cli.module.js';
import { ConfigError } from '../src/config/app.config.js';
import { recordAtopPlan, readAtopFolder, todayUtc } from '../src/import/atop/atop.importer.js';
import { formatWarning, planAtopImport } from '../src/import/atop/atop.mapping.js';

const USAGE = `Usage: npm run import:atop -- <folder> [--strict]

Imports the ATOP 4.01 alliance data (atop-alliance-level.csv, atop-member-level.csv,
atop-alliancephase-level.csv, cow-country-codes.csv) from <folder> into the database named by
DATABASE_URL (default sqlite:data/treaty-ledger.db). Running it again adds nothing.

  --strict   any warning about the data is a failure: nothing is written, exit code 1`;

async function main(argv: readonly string[]): Promise<number> {
  const flags = argv.filter((a) => a.startsWith('--'));
  const args = argv.filter((a) => !a.startsWith('--'));
  const unknown = flags.filter((f) => f !== '--strict' && f !== '--help');
  if (flags.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.length !== 1 || unknown.length > 0) {
    console.error(unknown.length > 0 ? `Unknown option ${unknown.join(', ')}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const folder = args[0]!;
  const strict = flags.includes('--strict');
  const started = performance.now();

  const plan = planAtopImport(await readAtopFolder(folder), { today: todayUtc() });
  const planned = plan.agreements.reduce((n, a) => n + a.events.length, 0);
  console.log(
    `ATOP 4.01 from ${folder}: ${plan.agreements.length} agreements, ${planned} events planned, ${plan.warnings.length} warnings`,
  );
  for (const w of plan.warnings) console.error(`warning: ${formatWarning(w)}`);
  if (strict && plan.warnings.length > 0) {
    console.error(`--strict: ${plan.warnings.length} warnings, nothing written.`);
    return 1;
  }

  // The application without HTTP or first-start side effects: same database, buses and rules.
  const app = await createCliContext();
  try {
    const progress = process.stdout.isTTY ? progressBar() : plainProgress();
    const summary = await recordAtopPlan(app, plan, { onProgress: progress });
    for (const f of summary.failures) console.error(`failed: ${f.agreementId}: ${f.message}`);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    console.log(
      [
        `agreements: ${summary.agreements}`,
        `events:     ${summary.events} recorded`,
        `skipped:    ${summary.skipped} agreements already imported`,
        `warnings:   ${summary.warnings.length}`,
        `failures:   ${summary.failures.length}`,
        `time:       ${seconds} s`,
      ].join('\n'),
    );
    return summary.failures.length > 0 ? 1 : 0;
  } finally {
    await app.close();
  }
}

/** A bar redrawn in place on a terminal. */
function progressBar() {
  const width = 30;
  let shown = -1;
  return (done: number, total: number) => {
    const filled = Math.round((done / total) * width);
    if (filled === shown && done !== total) return;
    shown = filled;
    process.stdout.write(
      `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} agreements`,
    );
    if (done === total) process.stdout.write('\n');
  };
}

/** One line every 100 agreements, for logs and pipes. */
function plainProgress() {
  return (done: number, total: number) => {
    if (done % 100 === 0 || done === total) console.log(`recorded ${done}/${total} agreements`);
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message =
      error instanceof ConfigError
        ? `Configuration: ${error.message}`
        : ((error as Error)?.message ?? String(error));
    console.error(`ATOP import failed: ${message}`);
    process.exitCode = 1;
  },
);
