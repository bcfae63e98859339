import type { Socket } from 'node:net';
import { problem, PROBLEM_CONTENT_TYPE } from './problem.js';

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (oversized headers,
 * malformed request lines, timeouts): answered as problem+json too, then the socket closes.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, title, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HeadersTooLarge', 'The request headers exceed the size limit']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'RequestTimeout', 'The request took too long to arrive']
        : [400, 'BadRequest', 'The request is not valid HTTP'];
  const body = JSON.stringify(problem(status, title, detail));
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
