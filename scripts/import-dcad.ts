import { createCliContext } from '../src/cli.module.js';
import { ConfigError } from '../src/config/app.config.js';
import { importDcadFolder } from '../src/import/dcad/dcad.importer.js';
import { consoleReport } from '../src/import/import-report.js';

const USAGE = `Usage: npm run import:dcad -- <folder> [--strict]

Imports the Defense Cooperation Agreement Dataset (DCAD v1.0, Kinne 2020: DCAD-v1.0-main.csv)
from <folder> into the database named by DATABASE_URL (default sqlite:data/treaty-ledger.db).
Running it again adds nothing; over an earlier import it retracts what the data no longer says.

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
  // The application without HTTP or first-start side effects: same database, buses and rules.
  const summary = await importDcadFolder(args[0]!, {
    strict: flags.includes('--strict'),
    open: () => createCliContext(),
    report: consoleReport(),
  });
  return summary === undefined || summary.failures.length > 0 ? 1 : 0;
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
    console.error(`DCAD import failed: ${message}`);
    process.exitCode = 1;
  },
);
