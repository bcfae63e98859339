import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type StoredEvent } from '../../../event-store/event-store.port.js';
import { ChainVerifier, type ChainCheck } from '../../../event-store/hashing.js';

const PAGE = 1000;

/** Reads a stream as stored, page by page: exports and checks never hold a whole history. */
export async function* rawStream(store: EventStore, streamId: string): AsyncGenerator<StoredEvent> {
  for (let after = 0; ;) {
    const page = await store.readStream(streamId, { fromVersion: after + 1, limit: PAGE, raw: true });
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.version;
  }
}

/** Recomputes an agreement's hash chain from the stored events. */
export class VerifyAgreementChain extends Query<ChainCheck> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(VerifyAgreementChain)
export class VerifyAgreementChainHandler implements IQueryHandler<VerifyAgreementChain> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ id }: VerifyAgreementChain): Promise<ChainCheck> {
    const verifier = new ChainVerifier();
    for await (const e of rawStream(this.store, id)) if (!verifier.add(e)) break;
    return verifier.result();
  }
}
