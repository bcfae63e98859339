import { createCliContext } from '../cli.module.js';
import { ConfigError } from '../config/app.config.js';
import { consoleReport } from './import-report.js';
import type { ImportRun, ImportSummary } from './record-plan.js';

/**
 * The command line of an importer (`npm run import:atop|import:dcad -- <folder> [--strict]`): one
 * folder argument, --strict and --help; exit 0 when recorded, 1 on a failure or a refusal under
 * --strict, 2 on a usage error.
 */
export function runImportCli(
  name: string,
  usage: string,
  importFolder: (folder: string, run: ImportRun) => Promise<ImportSummary | undefined>,
): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message =
        error instanceof ConfigError
          ? `Configuration: ${error.message}`
          : ((error as Error)?.message ?? String(error));
      console.error(`${name} import failed: ${message}`);
      process.exitCode = 1;
    },
  );

  async function main(argv: readonly string[]): Promise<number> {
    const flags = argv.filter((a) => a.startsWith('--'));
    const args = argv.filter((a) => !a.startsWith('--'));
    const unknown = flags.filter((f) => f !== '--strict' && f !== '--help');
    if (flags.includes('--help')) {
      console.log(usage);
      return 0;
    }
    if (args.length !== 1 || unknown.length > 0) {
      console.error(unknown.length > 0 ? `Unknown option ${unknown.join(', ')}\n\n${usage}` : usage);
      return 2;
    }
    // The application without HTTP or first-start side effects: same database, buses and rules.
    const summary = await importFolder(args[0]!, {
      strict: flags.includes('--strict'),
      open: () => createCliContext(),
      report: consoleReport(),
    });
    return summary === undefined || summary.failures.length > 0 ? 1 : 0;
  }
}
