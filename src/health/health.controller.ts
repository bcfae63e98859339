import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { SQLITE } from '../persistence.module.js';
import type { SqliteHandle } from '../database/sqlite.database.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(SQLITE) private readonly sqlite: SqliteHandle) {}

  /** Liveness and readiness: answers 200 only while the database answers. */
  @Get()
  check() {
    try {
      this.sqlite.db.prepare('SELECT 1').get();
    } catch {
      throw new ServiceUnavailableException('The database does not answer');
    }
    return { status: 'ok', database: 'sqlite' };
  }
}
