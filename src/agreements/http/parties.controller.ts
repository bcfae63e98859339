import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseOrThrow } from '../../http/zod-validation.js';
import { stateName } from '../domain/states.js';
import { GetPartyPortfolio } from '../read/parties/party.queries.js';
import type { PartyPortfolio } from '../read/parties/portfolio.js';
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
    const portfolio = await this.queries.execute<GetPartyPortfolio, PartyPortfolio>(
      new GetPartyPortfolio(code),
    );
    // Names from the registry of states, so a page never has to show a bare code.
    return {
      ...portfolio,
      name: stateName(code),
      partners: portfolio.partners.map((p) => ({ ...p, name: stateName(p.party) })),
    };
  }
}
