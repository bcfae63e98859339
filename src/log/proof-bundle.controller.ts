import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { idParam } from '../agreements/http/agreement.requests.js';
import { agreementNotFound } from '../agreements/http/agreement-not-found.js';
import { presentEvent } from '../agreements/http/event.presenter.js';
import { rawStream } from '../agreements/read/audit/audit.queries.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { problem, ProblemError } from '../http/problem.js';
import { parseOrThrow } from '../http/zod-validation.js';
import { MerkleLog } from './merkle-log.js';

export const PROOF_BUNDLE_FORMAT = 'treaty-ledger/proof-bundle/v1';

/**
 * An agreement's proof bundle (issue 18): its events as stored, each with its inclusion proof in the
 * tree of the log's latest checkpoint, the checkpoint and the log's key. What an auditor takes away
 * and checks offline with `npm run audit:verify -- --export <bundle> --key <a key she trusts>`.
 */
@Controller('api/agreements')
export class ProofBundleController {
  constructor(
    private readonly log: MerkleLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':id/proof-bundle')
  @Header('content-type', 'application/json; charset=utf-8')
  async bundle(@Param('id') rawId: string) {
    const id = parseOrThrow(idParam, rawId, 'id');
    if ((await this.store.streamVersion(id)) === 0) throw agreementNotFound(id);
    const checkpoint = await this.log.checkpoint();
    const key = this.log.vkey();
    if (!checkpoint || !key)
      throw new ProblemError(
        problem(503, 'LogReadOnly', 'The log has no signing key: no proof can be signed'),
      );
    const proofOf = await this.log.prover(checkpoint.treeSize);
    const events = [];
    for await (const e of rawStream(this.store, id)) {
      const inTree = e.position <= checkpoint.treeSize;
      events.push({
        ...presentEvent(e),
        ...(inTree ? { proof: await proofOf(e.position) } : {}),
      });
    }
    return {
      format: PROOF_BUNDLE_FORMAT,
      agreementId: id,
      treeSize: checkpoint.treeSize,
      checkpoint: checkpoint.note,
      key,
      verify: `npm run audit:verify -- --export ${id}-proof-bundle.json --key <the log's key, from a source you trust>`,
      events,
    };
  }
}
