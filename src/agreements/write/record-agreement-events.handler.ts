import { Inject, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, todayOf, type Clock } from '../../clock.js';
import { LruCache } from '../../lru-cache.js';
import { inSpan, inSpanSync } from '../../telemetry/tracing.js';
import {
  EVENT_STORE,
  WrongExpectedVersion,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from '../../event-store/event-store.port.js';
import { commandFor } from '../domain/agreement.commands.js';
import { decideAll, needsHistory } from '../domain/agreement.decider.js';
import type { RecordedEvent } from '../domain/retractions.js';
import { toAgreementEvent } from '../read/agreement-events.js';
import { DomainError } from '../domain/agreement.errors.js';
import { eventDataSchemas, type EventData } from '../domain/agreement.events.js';
import { evolve, type AgreementState } from '../domain/agreement.state.js';
import { hasRetraction } from '../domain/retractions.js';
import { AGREEMENT_STATES, type AgreementStates } from './agreement-states.js';
import { AccessDenied } from './access-denied.js';
import {
  RecordAgreementEvents,
  type EventInput,
  type RecordResult,
} from './record-agreement-events.command.js';

/** Appends racing on one agreement retry against the new state; this bounds the retries. */
const MAX_ATTEMPTS = 200;

/**
 * The generic command handler: load the agreement's state, decide, append with the
 * version decided against. Without `If-Match` a concurrent append to the same agreement
 * makes it decide again on the new state; with `If-Match` a stale version is refused.
 */
@CommandHandler(RecordAgreementEvents)
export class RecordAgreementEventsHandler implements ICommandHandler<RecordAgreementEvents>, OnModuleDestroy {
  /**
   * The state each agreement was left in by this instance's own last append to it, with the
   * version it is the state of: deciding the next command needs no read. Events appended since
   * by other instances (the store's feed carries them, see PostgresEventStore) move it on, so it
   * stays current. It can still be stale (another process, or an append whose event is not yet
   * in the feed), which is safe: the append carries the version it was decided against, the
   * store refuses it when the stream has moved on, and the entry is then dropped and the
   * command decided again on the stored row.
   */
  private readonly recent = new LruCache<{ state: AgreementState; version: number }>(10_000);
  private readonly following: Subscription;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AGREEMENT_STATES) private readonly states: AgreementStates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.following = store.appended$.subscribe((event) => this.follow(event));
  }

  onModuleDestroy(): void {
    this.following.unsubscribe();
  }

  /** Moves a remembered state on by an event from the feed, or forgets it when it cannot. */
  private follow(event: StoredEvent): void {
    const remembered = this.recent.peek(event.streamId);
    if (remembered === undefined || event.version <= remembered.version) return;
    const next =
      event.version === remembered.version + 1 && !hasRetraction([event]) && toAgreementEvent(event);
    if (!next) return void this.recent.delete(event.streamId);
    remembered.state = evolve(remembered.state, next);
    remembered.version = event.version;
  }

  async execute({ agreementId, events: inputs, context }: RecordAgreementEvents): Promise<RecordResult> {
    const today = todayOf(this.clock);
    const metadata = {
      actor: context.actor,
      ...(context.keyId ? { keyId: context.keyId } : {}),
      ...(context.correlationId ? { correlationId: context.correlationId } : {}),
      ...(context.requestId ? { requestId: context.requestId } : {}),
      source: context.source,
      ...context.extra,
    };
    const commands = inputs.map((input, i) =>
      commandFor(input.type, {
        agreementId,
        occurredOn: input.occurredOn ?? today,
        data: validData(input, inputs.length > 1 ? `${i}.data` : 'data'),
        today,
      }),
    );

    // A replay writes nothing but still answers 201 with the stored events: only for a key allowed to write here.
    if (context.allowedParties !== undefined) {
      checkAccess(context.allowedParties, (await this.states.load(agreementId)).state, commands);
    }
    const replay = await this.replayOf(agreementId, inputs, commands, metadata);
    if (replay) return replay;

    for (let attempt = 1; ; attempt++) {
      const remembered = this.recent.get(agreementId);
      const { state, version } = remembered ?? (await this.states.load(agreementId));
      let decided: ReturnType<typeof decideAll>;
      try {
        if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
          throw new WrongExpectedVersion(agreementId, context.expectedVersion, version);
        }
        checkAccess(context.allowedParties, state, commands);
        const history = needsHistory(commands) ? await this.history(agreementId) : [];
        decided = inSpanSync('decide', { 'treaty_ledger.version': version }, () =>
          decideAll(commands, state, history),
        );
      } catch (error) {
        // A refusal stands only when decided on the stored row: a remembered state may be stale.
        if (remembered === undefined) throw error;
        this.recent.delete(agreementId);
        continue;
      }
      const toAppend: NewEvent[] = decided.events.map((e, i) => ({
        ...(inputs[i]?.eventId ? { eventId: inputs[i].eventId } : {}),
        type: e.type,
        data: e.data,
        occurredOn: e.occurredOn,
        metadata,
      }));
      try {
        const result = await inSpan(
          'append',
          { 'treaty_ledger.agreement_id': agreementId, 'treaty_ledger.events': toAppend.length },
          () => this.store.append(agreementId, toAppend, { expectedVersion: version }),
        );
        this.recent.set(agreementId, { state: decided.state, version: result.version });
        return { events: result.events, version: result.version, state: decided.state, duplicate: false };
      } catch (error) {
        this.recent.delete(agreementId);
        if (!(error instanceof WrongExpectedVersion) || context.expectedVersion !== undefined) throw error;
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The stream's events with their ids: what a retraction is decided on. */
  private async history(agreementId: string): Promise<RecordedEvent[]> {
    return (await this.store.readStream(agreementId)).flatMap((e) => {
      const event = toAgreementEvent(e);
      return event ? [{ ...event, eventId: e.eventId }] : [];
    });
  }

  /** A retry carrying event ids that are already stored gets the stored events back. */
  private async replayOf(
    agreementId: string,
    inputs: readonly { eventId?: string }[],
    commands: ReturnType<typeof commandFor>[],
    metadata: NewEvent['metadata'],
  ): Promise<RecordResult | undefined> {
    const firstId = inputs[0]?.eventId;
    if (firstId === undefined || !(await this.store.findEvent(firstId))) return undefined;
    const result = await this.store.append(
      agreementId,
      commands.map((c, i) => ({
        eventId: inputs[i]?.eventId,
        type: c.eventType,
        data: c.data,
        occurredOn: c.occurredOn,
        metadata,
      })),
    );
    const { state } = await this.states.load(agreementId);
    return { events: result.events, version: result.version, state, duplicate: result.duplicate };
  }
}

/**
 * The HTTP layer has already checked the data with the same schemas (with friendlier errors);
 * this keeps every other caller of the command bus (importers, scripts) to the same rules.
 */
function validData<T extends EventInput['type']>(
  input: EventInput & { type: T },
  field: string,
): EventData<T> {
  const result = eventDataSchemas[input.type].safeParse(input.data);
  if (result.success) return result.data as EventData<T>;
  const issue = result.error.issues[0]!;
  const path = [field, ...issue.path.map(String)].join('.');
  throw new DomainError('InvalidEventData', 'invalid', `${input.type} ${path}: ${issue.message}`, path);
}

/** Object-level authorization: a recorder writes only where one of its parties is a party. */
function checkAccess(
  allowed: readonly string[] | undefined,
  state: AgreementState,
  commands: readonly ReturnType<typeof commandFor>[],
): void {
  if (allowed === undefined) return;
  const first = commands[0];
  const parties =
    state.status !== 'none'
      ? state.parties
      : first?.type === 'ProposeAgreement'
        ? first.data.parties
        : undefined;
  // An agreement that does not exist is left to the decider (404).
  if (parties !== undefined && !parties.some((p) => allowed.includes(p))) {
    throw new AccessDenied(`This key may record only for agreements with ${allowed.join(', ')} as a party`);
  }
}
