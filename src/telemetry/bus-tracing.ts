import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { inSpan } from './tracing.js';

/**
 * Every command and every query in a span named after it ("command RecordAgreementEvents",
 * "query GetAgreementStatus"): the buses are the one path each takes, so they are traced there.
 */
@Injectable()
export class BusTracing implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  onModuleInit(): void {
    for (const [bus, kind] of [
      [this.commands, 'command'],
      [this.queries, 'query'],
    ] as const) {
      const execute: (message: object) => Promise<unknown> = bus.execute.bind(bus);
      Object.assign(bus, {
        execute: (message: object) =>
          inSpan(`${kind} ${message.constructor.name}`, {}, () => execute(message)),
      });
    }
  }
}
