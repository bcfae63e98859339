import { Controller, Get, Header, Query } from '@nestjs/common';
import { z } from 'zod';
import { limitParam } from '../http/pagination.js';
import { problem, ProblemError, badRequest } from '../http/problem.js';
import { parseOrThrow } from '../http/zod-validation.js';
import { ProofOutOfRange } from './log-proofs.js';
import { MerkleLog } from './merkle-log.js';

const count = (min: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, { message: 'must be a whole number' })
    .transform(Number)
    .refine((n) => n >= min, { message: `must be at least ${min}` });

const inclusionQuery = z.strictObject({ position: count(1), treeSize: count(1) });
const consistencyQuery = z.strictObject({ from: count(0), to: count(1) });
const checkpointsQuery = z.strictObject({ after: count(0).optional(), limit: limitParam });

/** The signed Merkle log (RFC 9162, C2SP checkpoints): read by any key, viewers included. */
@Controller('api/log')
export class LogController {
  constructor(private readonly log: MerkleLog) {}

  @Get('checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  async checkpoint(): Promise<string> {
    const latest = await this.log.checkpoint();
    if (!latest)
      throw new ProblemError(problem(503, 'LogReadOnly', 'The log has no signing key and no checkpoint yet'));
    return latest.note;
  }

  @Get('checkpoints')
  async checkpoints(@Query() query: unknown) {
    const { after, limit } = parseOrThrow(checkpointsQuery, query);
    const size = limit ?? 100;
    const items = await this.log.checkpoints(after ?? 0, size + 1);
    const page = items.slice(0, size);
    return { items: page, ...(items.length > size ? { nextAfter: page[page.length - 1]!.treeSize } : {}) };
  }

  @Get('key')
  @Header('content-type', 'text/plain; charset=utf-8')
  key(): string {
    const vkey = this.log.vkey();
    if (!vkey) throw new ProblemError(problem(503, 'LogReadOnly', 'The log has no signing key'));
    return `${vkey}\n`;
  }

  @Get('proof/inclusion')
  async inclusion(@Query() query: unknown) {
    const { position, treeSize } = parseOrThrow(inclusionQuery, query);
    return this.proof(() => this.log.inclusion(position, treeSize));
  }

  @Get('proof/consistency')
  async consistency(@Query() query: unknown) {
    const { from, to } = parseOrThrow(consistencyQuery, query);
    return this.proof(() => this.log.consistency(from, to));
  }

  private async proof<T>(make: () => Promise<T>): Promise<T> {
    try {
      return await make();
    } catch (error) {
      if (error instanceof ProofOutOfRange) throw badRequest(error.field, 'in_the_log', error.message);
      throw error;
    }
  }
}
