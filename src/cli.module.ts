import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import 'reflect-metadata';
import { AgreementsModule } from './agreements/agreements.module.js';
import { CLOCK, systemClock } from './clock.js';
import { APP_CONFIG, loadConfig, type AppConfig } from './config/app.config.js';
import { PersistenceModule } from './persistence.module.js';

/**
 * The application without HTTP and without first-start side effects, for command-line
 * tools (keys, import, demo, audit): same database, same buses, same rules.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      global: true,
      imports: [CqrsModule.forRoot(), PersistenceModule.forRoot(config), AgreementsModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
      ],
      exports: [APP_CONFIG, CLOCK],
    };
  }
}

/** Boots the CLI context on the configured database (DATABASE_URL). */
export async function createCliContext(config: AppConfig = loadConfig()) {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  return app;
}
