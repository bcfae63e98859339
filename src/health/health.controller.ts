import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { Public } from '../auth/route-access.js';
import { DATABASE_PROBE, type DatabaseProbe } from '../database/database-probe.js';

@Controller('health')
export class HealthController {
  constructor(@Inject(DATABASE_PROBE) private readonly database: DatabaseProbe) {}

  @Public()
  /** Liveness and readiness: answers 200 only while the database answers (a load balancer takes the instance out otherwise). */
  @Get()
  async check() {
    try {
      await this.database.ping();
    } catch {
      throw new ServiceUnavailableException('The database does not answer');
    }
    return { status: 'ok', database: this.database.kind };
  }
}
