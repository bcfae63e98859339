import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/app.config.js';
import { runPostgresMigrations } from '../src/storage/postgres/postgres.database.js';
import { openSqlite } from '../src/storage/sqlite/sqlite.database.js';

/**
 * npm run migration:run — applies pending migrations to the database at DATABASE_URL
 * (SQLite or PostgreSQL), for deployments that start instances with MIGRATIONS_RUN=false.
 */
async function main(): Promise<void> {
  const { database } = loadConfig();
  let applied: string[];
  if (database.kind === 'postgres') {
    applied = await runPostgresMigrations(database.url);
  } else {
    const { dataSource } = await openSqlite(database.file, { migrate: false });
    try {
      applied = (await dataSource.runMigrations()).map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  }
  console.log(
    applied.length === 0
      ? `The ${database.kind} database is up to date.`
      : `Applied ${applied.length} migration(s) to the ${database.kind} database: ${applied.join(', ')}`,
  );
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration: ${error.message}`
      : String((error as Error)?.stack ?? error);
  console.error(`Migrations failed. ${message}`);
  process.exit(1);
});
