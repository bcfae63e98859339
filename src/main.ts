import type { INestApplication } from '@nestjs/common';
import 'reflect-metadata';
import { createApp, bootLogger } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app.config.js';
import { DatabaseRefused } from './database/database-refused.js';
import { startTelemetry } from './telemetry/telemetry.js';

/** How long in-flight requests get to finish after SIGTERM before the process gives up on them. */
const DRAIN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  const config = loadConfig();
  // Before the application is built: its spans go to the SDK's provider (none without an endpoint).
  const stopTelemetry = startTelemetry();
  const app = await createApp(config);
  exitCleanlyOnSignals(app, stopTelemetry);
  await app.listen(config.port, config.host);
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  bootLogger.log(`Treaty Ledger serves http://${shown}:${config.port} (API under /api, docs at /docs)`);
}

/**
 * SIGTERM or SIGINT: stop accepting connections, let the requests in flight finish, close
 * the store and the database (SQLite checkpoints its WAL on the last close), then exit 0.
 * Nest's shutdown hooks (enabled in createApp) run that same sequence but end by raising
 * the signal again, which would report a kill instead of a clean exit: the listener kept
 * here absorbs that second signal, and the process exits once the close has finished.
 */
function exitCleanlyOnSignals(app: INestApplication, stopTelemetry?: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    bootLogger.log(`${signal}: finishing the requests in flight, then closing the database`);
    setTimeout(() => {
      console.error(`Treaty Ledger: requests still running ${DRAIN_TIMEOUT_MS} ms after ${signal}; exiting.`);
      process.exit(1);
    }, DRAIN_TIMEOUT_MS).unref();
    app
      .close()
      // The spans still buffered are exported before the process ends.
      .then(() => stopTelemetry?.().catch(() => undefined))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`Treaty Ledger: shutdown failed. ${String((error as Error)?.stack ?? error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration: ${error.message}`
      : error instanceof DatabaseRefused
        ? error.message
        : String((error as Error)?.stack ?? error);
  console.error(`Treaty Ledger could not start. ${message}`);
  process.exit(1);
});
