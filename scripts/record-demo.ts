import type { CommandBus } from '@nestjs/cqrs';
import { eventDataSchemas } from '../src/agreements/domain/agreement.events.js';
import { RecordAgreementEvents } from '../src/agreements/write/record-agreement-events.command.js';
import type { EventStore } from '../src/event-store/event-store.port.js';
import { DEMO_AGREEMENTS, type DemoAgreement } from './demo-data.js';

export interface DemoOutcome {
  id: string;
  recorded: number;
  /** Already there: left as it is. */
  skipped: boolean;
}

/**
 * Records the demo agreements through the command bus, like any client: the same rules,
 * projections and hash chain. Each agreement is one atomic command, so an agreement is
 * either wholly there or absent; one that exists is skipped, which makes a rerun harmless.
 */
export async function recordDemo(
  commands: CommandBus,
  store: EventStore,
  agreements: readonly DemoAgreement[] = DEMO_AGREEMENTS,
): Promise<DemoOutcome[]> {
  const outcomes: DemoOutcome[] = [];
  for (const agreement of agreements) {
    if ((await store.streamVersion(agreement.id)) > 0) {
      outcomes.push({ id: agreement.id, recorded: 0, skipped: true });
      continue;
    }
    const inputs = agreement.events.map((event) => ({
      type: event.type,
      occurredOn: event.occurredOn,
      // Checked like an API request: the demo is held to the same schemas.
      data: eventDataSchemas[event.type].parse(event.data),
    }));
    const result = await commands.execute(
      new RecordAgreementEvents(agreement.id, inputs, {
        actor: 'demo',
        source: 'demo',
        extra: { demo: true },
      }),
    );
    outcomes.push({ id: agreement.id, recorded: result.events.length, skipped: false });
  }
  return outcomes;
}
