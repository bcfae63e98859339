import { StoreUnavailable } from '../../event-store/event-store.port.js';

/**
 * SQLSTATE classes and codes that mean "not now" rather than "never": the server is
 * unreachable, shutting down, out of connections, read-only (a replica), or the
 * statement ran out of time. Answered 503 with Retry-After.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|57014|25006|40P01|55P03)/;
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end/i;

export function isUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code)))
    return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** Connection trouble becomes StoreUnavailable; anything else is a bug and stays as it is. */
export function translatePgError(error: unknown): unknown {
  if (error instanceof StoreUnavailable) return error;
  if (isUnavailable(error)) {
    const { code } = error as { code?: unknown };
    return new StoreUnavailable(
      typeof code === 'string' ? `PostgreSQL ${code}` : 'PostgreSQL does not answer',
    );
  }
  return error;
}
