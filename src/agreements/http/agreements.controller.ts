import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { principalOf } from '../../auth/door.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { decodeCursor, pageBody, DEFAULT_LIMIT } from '../../http/pagination.js';
import { badRequest, problem, ProblemError } from '../../http/problem.js';
import { correlationIdOf, expectedVersionOf } from '../../http/request-context.js';
import { parseOrThrow } from '../../http/zod-validation.js';
import { GetAgreement, GetAgreementEvents, GetTimeline, ListAgreements } from '../read/agreement.queries.js';
import { GetAgreementAsOf } from '../read/as-of/get-agreement-as-of.query.js';
import { GetAgreementMilestones } from '../read/milestones/milestones.queries.js';
import { exportStream, type ExportProofs } from '../read/audit/audit.export.js';
import { VerifyAgreementChain } from '../read/audit/audit.queries.js';
import { RecordAgreementEvents, type WriteContext } from '../write/record-agreement-events.command.js';
import {
  getAgreementQuery,
  eventsQuery,
  idParam,
  listAgreementsQuery,
  pageQuery,
  parseEventRequests,
  proposeRequest,
} from './agreement.requests.js';
import { agreementMilestonesQuery, milestoneCursor } from './accountability.requests.js';
import { agreementNotFound } from './agreement-not-found.js';
import { IdempotentWrites } from '../../idempotency/idempotent-writes.js';
import { LogProofs, ProofOutOfRange } from '../../log/log-proofs.js';
import { LOG_STORE, type LogStore } from '../../log/log-store.port.js';
import { presentEvent } from './event.presenter.js';
import { TimelinePageCache } from './timeline-page-cache.js';

const timelineCursor = z.strictObject({ occurredOn: z.string(), position: z.number().int() });

@Controller('api/agreements')
export class AgreementsController {
  private readonly timelinePages = new TimelinePageCache();

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly idempotency: IdempotentWrites,
    @Inject(LOG_STORE) logStore: LogStore,
  ) {
    this.proofs = new LogProofs(logStore);
  }

  private readonly proofs: LogProofs;

  @Post()
  @HttpCode(201)
  async propose(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      const { id, occurredOn, eventId, ...data } = parseOrThrow(proposeRequest, body ?? undefined);
      const agreementId = id ?? generatedId(data.parties);
      const result = await this.commands.execute(
        new RecordAgreementEvents(
          agreementId,
          [
            {
              type: 'AgreementProposed',
              data,
              ...(occurredOn ? { occurredOn } : {}),
              ...(eventId ? { eventId } : {}),
            },
          ],
          this.context(request, undefined),
        ),
      );
      void reply.header('location', `/api/agreements/${agreementId}`).header('etag', `"${result.version}"`);
      return { ...result.state, version: result.version };
    });
  }

  @Post(':id/events')
  @HttpCode(201)
  async record(
    @Param('id') rawId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      const id = parseOrThrow(idParam, rawId, 'id');
      const { inputs, many } = parseEventRequests(body);
      const result = await this.commands.execute(
        new RecordAgreementEvents(id, inputs, this.context(request, expectedVersionOf(request))),
      );
      void reply.header('location', `/api/agreements/${id}`).header('etag', `"${result.version}"`);
      const events = result.events.map(presentEvent);
      return many ? events : events[0];
    });
  }

  @Get()
  async list(@Query() query: unknown) {
    const { limit, cursor, ...filter } = parseOrThrow(listAgreementsQuery, query);
    const page = await this.queries.execute(
      new ListAgreements(filter, limit ?? DEFAULT_LIMIT, decodeCursor(cursor, z.string())),
    );
    return pageBody(page, { total: page.total });
  }

  @Get(':id')
  async get(
    @Param('id') rawId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const id = parseOrThrow(idParam, rawId, 'id');
    const { asOf, knownAt, version } = parseOrThrow(getAgreementQuery, query);
    if (asOf === undefined && knownAt === undefined && version === undefined) {
      const view = await this.queries.execute(new GetAgreement(id));
      if (!view) throw agreementNotFound(id);
      void reply.header('etag', `"${view.version}"`).type('application/json; charset=utf-8');
      return view.json;
    }
    const view = await this.queries.execute(
      new GetAgreementAsOf(id, {
        ...(asOf !== undefined ? { asOf } : {}),
        ...(knownAt !== undefined ? { knownAt } : {}),
        ...(version !== undefined ? { version } : {}),
      }),
    );
    if (!view) {
      throw new ProblemError(
        problem(404, 'AgreementNotFound', `Agreement ${id} did not exist at that point`),
      );
    }
    return view;
  }

  @Get(':id/milestones')
  async milestones(@Param('id') rawId: string, @Query() query: unknown) {
    const id = parseOrThrow(idParam, rawId, 'id');
    const { limit, cursor, status } = parseOrThrow(agreementMilestonesQuery, query);
    const page = await this.queries.execute(
      new GetAgreementMilestones(id, status, limit ?? DEFAULT_LIMIT, decodeCursor(cursor, milestoneCursor)),
    );
    if (!page) throw agreementNotFound(id);
    return pageBody(page);
  }

  @Get(':id/timeline')
  async timeline(
    @Param('id') rawId: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const id = parseOrThrow(idParam, rawId, 'id');
    const version = await this.store.streamVersion(id);
    if (version === 0) throw agreementNotFound(id);
    const { limit, cursor } = parseOrThrow(pageQuery, query);
    // The same bytes Fastify would serialize, kept until the next append to this agreement.
    const key = `${id} ${limit ?? DEFAULT_LIMIT} ${cursor ?? ''}`;
    let body = this.timelinePages.get(key, version);
    if (body === undefined) {
      const page = await this.queries.execute(
        new GetTimeline({ agreementId: id }, limit ?? DEFAULT_LIMIT, decodeCursor(cursor, timelineCursor)),
      );
      body = Buffer.from(JSON.stringify(pageBody(page)));
      this.timelinePages.set(key, version, body);
    }
    void reply.type('application/json; charset=utf-8');
    return body;
  }

  @Get(':id/events')
  async events(@Param('id') rawId: string, @Query() query: unknown) {
    const id = await this.existing(rawId);
    const { limit, cursor, format, proofs } = parseOrThrow(eventsQuery, query);
    let withProofs: ExportProofs | undefined;
    if (proofs !== undefined) {
      if (format !== 'ndjson') throw badRequest('proofs', 'with_ndjson', 'proofs go with format=ndjson');
      const of = await this.proofs.prover(proofs, 'proofs').catch((error: unknown) => {
        throw error instanceof ProofOutOfRange ? badRequest('proofs', 'in_the_log', error.message) : error;
      });
      withProofs = { treeSize: proofs, of };
    }
    if (format !== undefined) {
      return new StreamableFile(exportStream(this.store, id, format, withProofs), {
        type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        disposition: `attachment; filename="${id}-events.${format}"`,
      });
    }
    const page = await this.queries.execute(
      new GetAgreementEvents(id, limit ?? DEFAULT_LIMIT, decodeCursor(cursor, z.number().int().min(0)) ?? 0),
    );
    return pageBody({ items: page.items.map(presentEvent), next: page.next });
  }

  @Get(':id/audit/verify')
  async verify(@Param('id') rawId: string) {
    const id = await this.existing(rawId);
    return this.queries.execute(new VerifyAgreementChain(id));
  }

  private async existing(rawId: string): Promise<string> {
    const id = parseOrThrow(idParam, rawId, 'id');
    if ((await this.store.streamVersion(id)) === 0) throw agreementNotFound(id);
    return id;
  }

  private context(request: FastifyRequest, expectedVersion: number | undefined): WriteContext {
    const principal = principalOf(request);
    return {
      actor: principal?.name ?? 'anonymous',
      ...(principal ? { keyId: principal.keyId } : {}),
      ...(principal?.role === 'recorder' ? { allowedParties: principal.parties } : {}),
      correlationId: correlationIdOf(request),
      requestId: request.id,
      source: 'api',
      ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    };
  }
}

function generatedId(parties: readonly string[]): string {
  const prefix = parties
    .slice(0, 4)
    .map((p) => p.toLowerCase())
    .join('-');
  return `${prefix}-${randomBytes(4).toString('hex')}`.slice(0, 64);
}
