import { Controller, Get, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './api-key.js';
import { principalOf } from './door.js';

/** Who the calling key is (never the key itself): the pages show the controls its role allows. */
@Controller('api/session')
export class SessionController {
  @Get()
  whoAmI(@Req() request: FastifyRequest): Principal {
    const { keyId, name, role, parties } = principalOf(request)!;
    return { keyId, name, role, parties };
  }
}
