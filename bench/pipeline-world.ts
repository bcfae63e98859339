import 'reflect-metadata';
import {
  Controller,
  Get,
  Injectable,
  Module,
  Param,
  Query,
  Res,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { CqrsModule, Query as CqrsQuery, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { securityHeaders } from '../src/http/security-headers.js';
import { BENCH_KEY } from './setup.js';

/**
 * A hello-world with the per-request machinery of the app's status route and nothing else:
 * a global guard that reads the bearer key and looks it up in a map, `@Param`/`@Query`/`@Res`,
 * the query bus, the app's security headers and request id from an `onSend` hook, two more
 * callback hooks, Fastify's request logger at `warn` and generated request ids. It answers a
 * canned status body: what the status route would cost if reading the agreement were free.
 */
const STATUS = JSON.stringify({
  status: 'signed',
  id: 'bench-1',
  title: 'Benchmark agreement bench-1',
  parties: ['USA', 'JPN'],
  formerParties: [],
  signatures: { USA: '2020-01-02', JPN: '2020-01-03' },
  ratifications: {},
  accessions: {},
  provisions: ['consultation', 'joint_exercises'],
  objectives: [],
  termsVersion: 1,
  proposedOn: '2020-01-01',
  signedOn: '2020-01-03',
  exerciseCount: 0,
  consultationCount: 0,
  milestones: {},
  contributions: {},
  lastEventOn: '2020-01-03',
  version: 3,
});

class GetStatus extends CqrsQuery<string> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(GetStatus)
class GetStatusHandler implements IQueryHandler<GetStatus> {
  async execute(): Promise<string> {
    return STATUS;
  }
}

const keys = new Map([[BENCH_KEY, { keyId: 'bench' }]]);

@Injectable()
class KeyGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: unknown }>();
    const key = /^Bearer\s+(\S{1,512})$/i.exec(String(request.headers.authorization).trim())?.[1];
    request.principal = key === undefined ? undefined : keys.get(key);
    return request.principal !== undefined;
  }
}

@Controller('api/agreements')
class StatusController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  async get(
    @Param('id') id: string,
    @Query() _query: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const body = await this.queries.execute(new GetStatus(id));
    void reply.header('etag', '"3"').type('application/json; charset=utf-8');
    return body;
  }
}

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [StatusController],
  providers: [GetStatusHandler, { provide: APP_GUARD, useClass: KeyGuard }],
})
class PipelineModule {}

const adapter = new FastifyAdapter({
  logger: { level: 'warn' },
  requestIdHeader: false,
  genReqId: () => randomUUID(),
});
const app = await NestFactory.create<NestFastifyApplication>(PipelineModule, adapter, { logger: false });
const fastify = app.getHttpAdapter().getInstance();
fastify.addHook('onRequest', (_request, _reply, done) => done());
fastify.addHook('onResponse', (_request, _reply, done) => done());
fastify.addHook('onSend', (request, reply, payload, done) => {
  void reply.headers(securityHeaders(request.routeOptions.url, 'key'));
  void reply.header('x-request-id', request.id);
  done(null, payload);
});
await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
