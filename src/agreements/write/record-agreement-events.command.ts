import { Command } from '@nestjs/cqrs';
import type { StoredEvent } from '../../event-store/event-store.port.js';
import type { AgreementEventType } from '../domain/agreement.events.js';
import type { AgreementState } from '../domain/agreement.state.js';

/** One event as a client asks to record it: validated shape, not yet decided. */
export interface EventInput {
  type: AgreementEventType;
  occurredOn?: string;
  data: Record<string, unknown>;
  eventId?: string;
}

/** Who is writing and why: goes into every event's metadata, never comes from the body. */
export interface WriteContext {
  actor: string;
  keyId?: string;
  correlationId?: string;
  requestId?: string;
  source: string;
  /** From `If-Match`: the version the client saw. Absent: record against whatever is current. */
  expectedVersion?: number;
  /** A recorder key's parties: the agreement must have one of them as a party. Absent: no restriction. */
  allowedParties?: readonly string[];
  /** Extra metadata (e.g. the source row of an import). */
  extra?: Record<string, unknown>;
}

export interface RecordResult {
  events: StoredEvent[];
  version: number;
  state: AgreementState;
  /** The events were already stored (same event ids): nothing was written. */
  duplicate: boolean;
}

/** The one command of the write side: record events on one agreement, atomically. */
export class RecordAgreementEvents extends Command<RecordResult> {
  constructor(
    readonly agreementId: string,
    readonly events: readonly EventInput[],
    readonly context: WriteContext,
  ) {
    super();
  }
}
