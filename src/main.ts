import 'reflect-metadata';
import { createApp, bootLogger } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app.config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  bootLogger.log(`Treaty Ledger serves http://${shown}:${config.port} (API under /api, docs at /docs)`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration: ${error.message}`
      : String((error as Error)?.stack ?? error);
  console.error(`Treaty Ledger could not start. ${message}`);
  process.exit(1);
});
