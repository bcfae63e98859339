import type { Context } from '@opentelemetry/api';
import type { Observable } from 'rxjs';

/**
 * The event store port. It knows streams, versions and positions, nothing of agreements.
 * One adapter per database; both pass the contract suite in test/event-store/.
 */

export interface EventMetadata {
  actor: string;
  keyId?: string;
  correlationId?: string;
  causationId?: string;
  requestId?: string;
  source?: string;
  [key: string]: unknown;
}

export interface NewEvent {
  /** Client-suppliable: appending an event id that is already stored is an idempotent retry. */
  eventId?: string;
  type: string;
  schemaVersion?: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** The business date the event is about (YYYY-MM-DD). */
  occurredOn: string;
}

export interface StoredEvent {
  position: number;
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  occurredOn: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

export interface AppendOptions {
  /** The stream version the caller decided against: 0 for a new stream; absent for "any". */
  expectedVersion?: number;
}

export interface AppendResult {
  events: StoredEvent[];
  /** The stream's version after the append. */
  version: number;
  /** True when every event id was already stored: nothing was written. */
  duplicate: boolean;
}

export interface ReadStreamOptions {
  fromVersion?: number;
  toVersion?: number;
  limit?: number;
  /** Skip upcasting: the rows as stored, for audit and hash checks. */
  raw?: boolean;
}

/** An append waiting in an adapter's group-commit queue. */
export interface PendingAppend {
  /** The caller's trace, when it is recorded: the commit's span goes under it (commit-trace.ts). */
  trace?: Context;
  streamId: string;
  events: readonly NewEvent[];
  options: AppendOptions;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** The global feed in position order, strictly after `after`. */
  readAll(options?: { after?: number; limit?: number; raw?: boolean }): Promise<StoredEvent[]>;
  streamVersion(streamId: string): Promise<number>;
  /** The position of the last committed event; 0 for an empty store. */
  head(): Promise<number>;
  findEvent(eventId: string): Promise<StoredEvent | undefined>;
  /** Every event after its commit is durable, in position order. */
  readonly appended$: Observable<StoredEvent>;
  /**
   * Hands queued appends to the writer and takes in finished commits now, instead of at the
   * event loop's next turn (a store that has a writer thread). Called between requests, so
   * that appends are not kept waiting behind a turn full of reads; costs next to nothing idle.
   */
  pump?(): void;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, not ${expected}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** What an event sent again under a stored id must repeat (its metadata, who sent it, may differ). */
export type ReplayedField = 'type' | 'occurredOn' | 'data';

export class EventIdConflict extends Error {
  /** `field`: what differs from the stored event (type, occurredOn, data); absent: its place (stream, order). */
  constructor(
    readonly eventId: string,
    readonly field?: ReplayedField,
  ) {
    super(
      field
        ? `Event id ${eventId} is already stored with another ${field}: an event id names one event, send a new id for another`
        : `Event id ${eventId} is already stored with other content or in another position`,
    );
    this.name = 'EventIdConflict';
  }
}

/** The database cannot take writes right now (locked, read-only, disk full): retry later. */
export class StoreUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`The event store is unavailable: ${reason}`);
    this.name = 'StoreUnavailable';
  }
}
