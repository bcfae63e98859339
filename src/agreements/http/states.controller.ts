import { Controller, Get } from '@nestjs/common';
import { STATES } from '../domain/states.js';

/** The registry of states a party code may name: present states (ISO 3166-1 alpha-3) and historical ones (COW). */
@Controller('api/states')
export class StatesController {
  /** Every known state, in one answer (a fixed reference list of a few hundred entries, not paged). */
  @Get()
  list() {
    return { items: STATES };
  }
}
