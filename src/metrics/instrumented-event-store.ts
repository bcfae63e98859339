import {
  StoreUnavailable,
  WrongExpectedVersion,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
} from '../event-store/event-store.port.js';
import type { Metrics } from './metrics.js';

/** The event store with every append counted and timed; reads pass straight through. */
export function instrumentStore(store: EventStore, metrics: Metrics): EventStore {
  return {
    get appended$() {
      return store.appended$;
    },
    ...(store.pump ? { pump: () => store.pump!() } : {}),
    async append(
      streamId: string,
      events: readonly NewEvent[],
      options?: AppendOptions,
    ): Promise<AppendResult> {
      const stop = metrics.appendSeconds.startTimer();
      try {
        const result = await store.append(streamId, events, options);
        metrics.appends.inc({ outcome: result.duplicate ? 'duplicate' : 'committed' });
        if (!result.duplicate) metrics.events.inc(result.events.length);
        return result;
      } catch (error) {
        const outcome =
          error instanceof WrongExpectedVersion
            ? 'conflict'
            : error instanceof StoreUnavailable
              ? 'unavailable'
              : 'refused';
        metrics.appends.inc({ outcome });
        throw error;
      } finally {
        stop();
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    streamVersion: (streamId) => store.streamVersion(streamId),
    head: () => store.head(),
    findEvent: (eventId) => store.findEvent(eventId),
    close: () => store.close(),
  };
}
