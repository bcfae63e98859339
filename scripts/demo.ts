import { CommandBus } from '@nestjs/cqrs';
import { createCliContext } from '../src/cli.module.js';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { recordDemo } from './record-demo.js';

/** `npm run demo`: records a few well-known agreements into the configured database (DATABASE_URL). */
async function main(): Promise<void> {
  // The same buses, rules and database as the server, without HTTP or first-start side effects.
  const app = await createCliContext();
  try {
    const outcomes = await recordDemo(app.get(CommandBus), app.get<EventStore>(EVENT_STORE));
    for (const o of outcomes) {
      console.log(
        o.skipped ? `  ${o.id}: already recorded, left as it is` : `  ${o.id}: ${o.recorded} events recorded`,
      );
    }
    console.log(
      'Demo agreements are recorded (their metadata says demo: true). Run npm start and open the list.',
    );
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
