import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseOrThrow } from '../../http/zod-validation.js';
import { GetPartyPortfolio } from '../read/parties/party.queries.js';
import { partyParam } from './accountability.requests.js';

@Controller('api/parties')
export class PartiesController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * A party's portfolio. A well-formed code with no agreements is not an error: it gets
   * the same shape with empty lists, as a party may simply not be recorded yet.
   */
  @Get(':code')
  async get(@Param('code') rawCode: string) {
    const code = parseOrThrow(partyParam, rawCode, 'code');
    return this.queries.execute(new GetPartyPortfolio(code));
  }
}
