import { isIP } from 'node:net';
import { hostname } from 'node:os';

/** Environment configuration, validated once at start: a bad value stops the process with a clear message. */
export interface AppConfig {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** Apply pending migrations on start (MIGRATIONS_RUN=false leaves it to `npm run migration:run`). */
  migrationsRun: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  /** The first admin key on a fresh install; random (and printed once) when absent. */
  adminApiKey?: string;
  /** Requests per minute per API key; 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** The Merkle log's Ed25519 signing key, a file outside the database (LOG_SIGNING_KEY_FILE). */
  logSigningKeyFile: string;
  /** The name of the log in its checkpoints (LOG_ORIGIN, default treaty-ledger/<host name>). */
  logOrigin: string;
  /** Requests per minute per client address that come without a valid API key; 0 turns the limit off. */
  authFailuresPerMinute: number;
  /** Whether GET /metrics answers without a key (METRICS_PUBLIC, default true). */
  metricsPublic: boolean;
  /** Live feeds one key may hold open at once on this instance; the next is 429. */
  liveFeedsPerKey: number;
  /** A request whose headers and body have not all arrived after this long is refused (408). */
  requestTimeoutMs: number;
  /** A request whose headers have not all arrived after this long is refused (408). */
  headersTimeoutMs: number;
  /** An idle connection (no bytes either way) is closed after this long. */
  connectionTimeoutMs: number;
  /** Most connections the server holds open at once; more are refused by closing them. */
  maxConnections: number;
  /** Origins allowed by CORS; empty: CORS off. */
  corsOrigins: string[];
  /** Where users reach the pages (PUBLIC_URL, e.g. https://ledger.example): links in calendars; else the request's host. */
  publicUrl?: string;
  webhooks: WebhookConfig;
}

/** Webhook delivery (WEBHOOK_*). */
export interface WebhookConfig {
  /** Hosts, addresses or CIDR ranges that may receive webhooks though not public (loopback only when listed). */
  allowedHosts: string[];
  /** A receiver that has not answered after this long has failed the attempt. */
  timeoutMs: number;
  /** Attempts per event before the subscription is paused. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles (with jitter), up to 10 minutes. */
  backoffMs: number;
  /** How long an instance's hold on a subscription lasts without renewal (renewed every second). */
  leaseMs: number;
}

export type DatabaseConfig = { kind: 'sqlite'; file: string } | PostgresConfig;

/** PostgreSQL: the URL and the pool each instance keeps (DATABASE_POOL_*). */
export interface PostgresConfig {
  kind: 'postgres';
  url: string;
  pool: {
    /** Most connections this instance opens (DATABASE_POOL_MAX). */
    max: number;
    /** An idle connection is closed after this long (DATABASE_POOL_IDLE_MS). */
    idleTimeoutMs: number;
    /** Waiting longer than this for a connection is a 503 (DATABASE_CONNECT_TIMEOUT_MS). */
    connectionTimeoutMs: number;
    /** A statement running longer than this is cancelled (DATABASE_STATEMENT_TIMEOUT_MS, 0: none). */
    statementTimeoutMs: number;
  };
}

export class ConfigError extends Error {}

export function parseDatabaseUrl(
  url: string,
  env: Record<string, string | undefined> = {},
): AppConfig['database'] {
  if (url === 'sqlite::memory:') return { kind: 'sqlite', file: ':memory:' };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file.length === 0) throw new ConfigError('DATABASE_URL sqlite:<file> needs a file path');
    return { kind: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL is not a valid postgres:// URL');
    }
    return {
      kind: 'postgres',
      url,
      pool: {
        max: integer(env, 'DATABASE_POOL_MAX', 10, 1, 1000),
        idleTimeoutMs: integer(env, 'DATABASE_POOL_IDLE_MS', 30_000, 0, 3_600_000),
        connectionTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5_000, 1, 600_000),
        statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000),
      },
    };
  }
  // The URL may hold a password: it is not repeated in the message.
  throw new ConfigError('DATABASE_URL must be sqlite:<file>, sqlite::memory: or postgres://…');
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const adminApiKey = env.ADMIN_API_KEY || undefined;
  if (adminApiKey !== undefined && !/^[\x21-\x7e]{16,512}$/.test(adminApiKey)) {
    throw new ConfigError('ADMIN_API_KEY must be 16 to 512 printable characters without spaces');
  }
  const database = parseDatabaseUrl(env.DATABASE_URL ?? 'sqlite:data/treaty-ledger.db', env);
  // Beside the SQLite file; for PostgreSQL (or :memory:) in ./data.
  const keyBeside =
    database.kind === 'sqlite' && database.file !== ':memory:'
      ? `${database.file}.log-key`
      : 'data/log-signing.key';
  const logOrigin = env.LOG_ORIGIN ?? `treaty-ledger/${hostname()}`;
  if (!/^[\x21-\x7e]{1,200}$/.test(logOrigin) || logOrigin.includes('+')) {
    throw new ConfigError('LOG_ORIGIN must be 1 to 200 printable characters, without spaces or "+"');
  }
  const publicUrl = env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[\w./-]*)?$/.test(publicUrl)) {
    throw new ConfigError('PUBLIC_URL must be an http(s) URL without credentials, query or fragment');
  }
  return {
    ...(publicUrl ? { publicUrl } : {}),
    port: integer(env, 'PORT', 3000, 0, 65535),
    logSigningKeyFile: env.LOG_SIGNING_KEY_FILE || keyBeside,
    logOrigin,
    host: env.HOST ?? '0.0.0.0',
    database,
    migrationsRun: boolean(env, 'MIGRATIONS_RUN', true),
    logLevel,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    ...(adminApiKey ? { adminApiKey } : {}),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
    authFailuresPerMinute: integer(env, 'AUTH_FAILURES_PER_MINUTE', 60, 0, 10_000_000),
    metricsPublic: boolean(env, 'METRICS_PUBLIC', true),
    liveFeedsPerKey: integer(env, 'LIVE_FEEDS_PER_KEY', 10, 1, 100_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
    connectionTimeoutMs: integer(env, 'CONNECTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', 1024, 1, 1_000_000),
    webhooks: {
      allowedHosts: allowedHosts(env.WEBHOOK_ALLOWED_HOSTS),
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 5_000, 100, 120_000),
      maxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 5, 1, 100),
      backoffMs: integer(env, 'WEBHOOK_BACKOFF_MS', 500, 1, 600_000),
      leaseMs: integer(env, 'WEBHOOK_LEASE_MS', 5_000, 2_000, 3_600_000),
    },
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

/** WEBHOOK_ALLOWED_HOSTS: host names, IP addresses or CIDR ranges, separated by commas. */
function allowedHosts(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.replace(/^\[|\]$/g, '').split('/');
    const family = isIP(address!);
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    const okName =
      family !== 0 ||
      (bits === undefined && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry));
    if (extra !== undefined || !okBits || !okName) {
      throw new ConfigError(
        `WEBHOOK_ALLOWED_HOSTS: "${entry}" is not a host name, an IP address or a CIDR range (e.g. 10.0.0.0/8)`,
      );
    }
  }
  return entries;
}

export const APP_CONFIG = Symbol('AppConfig');
