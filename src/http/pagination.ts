import { z } from 'zod';
import { badRequest } from './problem.js';

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

export const limitParam = z
  .string()
  .regex(/^\d+$/, { message: 'must be a whole number' })
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, { message: 'must be at least 1' })
      .max(MAX_LIMIT, { message: `must be at most ${MAX_LIMIT}` }),
  )
  .optional();

/** Cursors are opaque to clients: base64url JSON of the last item's key. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the same refusal as a well-formed but foreign cursor
  }
  throw badRequest('cursor', 'invalid_cursor', 'is not a cursor this list handed out');
}

export function pageBody<T>(page: { items: T[]; next?: unknown }, extra: Record<string, unknown> = {}) {
  return {
    items: page.items,
    ...(page.next !== undefined ? { nextCursor: encodeCursor(page.next) } : {}),
    ...extra,
  };
}
