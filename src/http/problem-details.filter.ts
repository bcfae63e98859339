import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../agreements/domain/agreement.errors.js';
import { AccessDenied } from '../agreements/write/access-denied.js';
import { EventIdConflict, StoreUnavailable, WrongExpectedVersion } from '../event-store/event-store.port.js';
import { problem, ProblemError, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
import { redactUrl } from './redact.js';

const DOMAIN_STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;

/** Fastify's own refusals (body parsing, limits) keep their status, as problems. */
const FASTIFY_TITLES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PayloadTooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UnsupportedMediaType',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'InvalidContentLength',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EmptyBody',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MalformedJson',
};

const STATUS_TITLES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  431: 'HeadersTooLarge',
  503: 'ServiceUnavailable',
};

/** Maps every error to an RFC 9457 problem, once, for the whole application. */
export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof ProblemError) return { problem: error.problem, headers: error.headers };
  if (error instanceof DomainError) {
    return {
      problem: problem(DOMAIN_STATUS[error.kind], error.code, error.message, {
        ...error.extensions,
        ...(error.field ? { field: error.field } : {}),
      }),
      headers: {},
    };
  }
  if (error instanceof AccessDenied)
    return { problem: problem(403, 'Forbidden', error.message), headers: {} };
  if (error instanceof WrongExpectedVersion) {
    return {
      problem: problem(
        412,
        'VersionMismatch',
        `${error.message}: read it again and retry with If-Match: "${error.actual}"`,
        {
          currentVersion: error.actual,
        },
      ),
      headers: { etag: `"${error.actual}"` },
    };
  }
  if (error instanceof EventIdConflict) {
    const field = error.field ?? 'eventId';
    return {
      problem: problem(409, 'EventIdConflict', error.message, {
        field,
        eventId: error.eventId,
        errors: [{ field, rule: 'same_as_stored', message: error.message }],
      }),
      headers: {},
    };
  }
  if (error instanceof StoreUnavailable) {
    return { problem: problem(503, 'StoreUnavailable', error.message), headers: { 'retry-after': '1' } };
  }
  // Nest wraps Fastify's own 4xx errors (body parsing, limits) in an HttpException.
  const cause = error instanceof HttpException ? error.cause : error;
  const e = cause as { statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = typeof e.code === 'string' ? e.code : '';
    const title = FASTIFY_TITLES[code] ?? STATUS_TITLES[e.statusCode] ?? 'BadRequest';
    return {
      problem: problem(e.statusCode, title, typeof e.message === 'string' ? e.message : title),
      headers: {},
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { problem: problem(status, STATUS_TITLES[status] ?? 'Error', error.message), headers: {} };
  }
  return {
    problem: problem(500, 'InternalError', 'An unexpected error occurred; it has been logged.'),
    headers: {},
  };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const mapped = toProblem(error);
    if (mapped.problem.status >= 500)
      this.logger.error({ err: error, requestId: request.id }, 'request failed');
    sendProblem(request, reply, error, mapped);
  }
}

/** Answers with the problem for `error`; its `instance` is the request's path and query, secrets redacted. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  { problem: body, headers } = toProblem(error),
): FastifyReply {
  return reply
    .status(body.status)
    .headers(headers)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance: redactUrl(request.url) });
}
