import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config/app.config.js';
import { postgresProviders } from './storage/postgres/postgres.providers.js';
import { sqliteProviders } from './storage/sqlite/sqlite.providers.js';

/** Binds the ports (event store, readers, keys, idempotency, probe) to the configured database's adapters. */
@Global()
@Module({})
export class PersistenceModule {
  /**
   * `serving`: the server, which refuses to start on a store that lost its append-only triggers;
   * the command-line tools (audit:verify among them) open it all the same.
   */
  static forRoot(config: AppConfig, options: { serving?: boolean } = {}): DynamicModule {
    const database = config.database;
    const settings = { migrate: config.migrationsRun, serving: options.serving ?? false };
    // The one place that chooses the dialect.
    const providers =
      database.kind === 'postgres'
        ? postgresProviders(database, settings)
        : sqliteProviders(database, settings);
    return {
      module: PersistenceModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
