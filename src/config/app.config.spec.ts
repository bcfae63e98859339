import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, parseDatabaseUrl } from './app.config.js';

describe('DATABASE_URL', () => {
  it('selects SQLite for sqlite:<file> and sqlite::memory:', () => {
    expect(parseDatabaseUrl('sqlite:data/x.db')).toEqual({ kind: 'sqlite', file: 'data/x.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/x.db')).toEqual({ kind: 'sqlite', file: '/var/lib/x.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', file: ':memory:' });
  });

  it.each(['postgres://u:p@db:5432/ledger', 'postgresql://db/ledger?sslmode=require'])(
    'selects PostgreSQL for %s, with the default pool',
    (url) => {
      expect(parseDatabaseUrl(url)).toEqual({
        kind: 'postgres',
        url,
        pool: { max: 10, idleTimeoutMs: 30_000, connectionTimeoutMs: 5_000, statementTimeoutMs: 30_000 },
      });
    },
  );

  it('reads the pool settings from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/ledger',
      DATABASE_POOL_MAX: '25',
      DATABASE_POOL_IDLE_MS: '1000',
      DATABASE_CONNECT_TIMEOUT_MS: '250',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://db/ledger',
      pool: { max: 25, idleTimeoutMs: 1000, connectionTimeoutMs: 250, statementTimeoutMs: 0 },
    });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://db/ledger', DATABASE_POOL_MAX: '0' }, /DATABASE_POOL_MAX/],
    [{ DATABASE_URL: 'postgres://db/ledger', DATABASE_POOL_MAX: 'many' }, /DATABASE_POOL_MAX/],
    [
      { DATABASE_URL: 'postgres://db/ledger', DATABASE_CONNECT_TIMEOUT_MS: '-1' },
      /DATABASE_CONNECT_TIMEOUT_MS/,
    ],
    [{ DATABASE_URL: 'postgres://[bad' }, /not a valid postgres:\/\/ URL/],
    [{ DATABASE_URL: 'mysql://db/ledger' }, /DATABASE_URL must be/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a refused URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:s3cret@db/ledger' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });
});

describe('MIGRATIONS_RUN', () => {
  it.each([
    [undefined, true],
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('%s → %s', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { MIGRATIONS_RUN: value }).migrationsRun).toBe(expected);
  });

  it('refuses anything else', () => {
    expect(() => loadConfig({ MIGRATIONS_RUN: 'yes' })).toThrow(/MIGRATIONS_RUN must be true or false/);
  });
});
