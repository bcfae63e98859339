import 'reflect-metadata';
import { ConfigError, parseDatabaseUrl } from '../src/config/app.config.js';
import { copySqliteToPostgres, CopyRefused } from '../src/storage/sqlite-to-postgres.js';

/**
 * npm run migrate:sqlite-to-postgres -- --from sqlite:data/treaty-ledger.db --to postgres://user:pass@host/db
 * Copies the SQLite history into an empty PostgreSQL database (positions and hashes
 * unchanged), rebuilds the read models there, copies the API keys, and verifies every
 * stream's hash chain on PostgreSQL. Exits 1 if anything does not verify.
 */
function argument(name: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : process.argv[at + 1];
  if (!value) throw new ConfigError(`--${name} is required (--from sqlite:<file> --to postgres://…)`);
  return value;
}

async function main(): Promise<void> {
  const from = parseDatabaseUrl(argument('from'));
  const to = parseDatabaseUrl(argument('to'));
  if (from.kind !== 'sqlite' || from.file === ':memory:')
    throw new ConfigError('--from must be sqlite:<file>');
  if (to.kind !== 'postgres') throw new ConfigError('--to must be a postgres:// URL');
  let shown = 0;
  const report = await copySqliteToPostgres({
    sqliteFile: from.file,
    postgresUrl: to.url,
    onProgress: ({ copied, total }) => {
      if (copied - shown < 50_000 && copied !== total) return;
      shown = copied;
      console.error(`copied ${copied.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} events`);
    },
  });
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  console.log(
    `Copied ${report.events} events in ${report.streams} streams, ${report.apiKeys} API keys and ${report.subscriptions} webhook subscriptions in ${seconds} s; ` +
      `read models rebuilt on PostgreSQL.`,
  );
  if (report.chains.valid && report.headsMatch) {
    console.log(`Hash chains verified on PostgreSQL: ${report.chains.checked} events, all valid.`);
    return;
  }
  for (const { streamId, position } of report.chains.invalid) {
    console.error(`stream ${streamId}: the event at position ${position} does not match its hash chain`);
  }
  if (!report.headsMatch)
    console.error('Stream heads (version and last hash) differ between the two databases');
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof CopyRefused
      ? error.message
      : String((error as Error)?.stack ?? error);
  console.error(`The copy failed. ${message}`);
  process.exit(1);
});
