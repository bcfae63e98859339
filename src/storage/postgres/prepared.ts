import { createHash } from 'node:crypto';
import type pg from 'pg';

const names = new Map<string, string>();
/**
 * A prepared `SELECT *` fixes its result's columns: once a migration adds one under running
 * instances, PostgreSQL refuses to run it ("cached plan must not change result type"). Left unprepared.
 */
const SELECT_ALL = /^\s*SELECT\s+\*/i;

/** A statement's name: the hash of its text, so the same text is prepared once per connection. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `tl_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The client, with every statement that has parameters prepared once per connection and run by
 * name after that: PostgreSQL parses and plans it once, not on every batch. Only for code whose
 * statement texts are fixed (parameters carry every value), so the names stay few: the append
 * transaction and its projections, the key lookup of every request.
 */
export function preparing<C extends pg.Pool | pg.PoolClient | pg.Client>(client: C): C {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return (text: unknown, values?: unknown) =>
          typeof text === 'string' && Array.isArray(values) && !SELECT_ALL.test(text)
            ? target.query({ name: nameOf(text), text, values })
            : target.query(text as string, values as unknown[]);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
