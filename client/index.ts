import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export type { components, paths } from './schema.js';

export interface TreatyLedgerClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the server is, e.g. https://ledger.example (no trailing /api). */
  baseUrl: string;
  /** An API key (`npm run keys -- create …`): sent as `Authorization: Bearer <key>` on every request. */
  apiKey: string;
}

/**
 * A typed client for the Treaty Ledger API: paths, parameters, bodies and answers are checked by
 * TypeScript against the OpenAPI document the server serves (client/schema.d.ts, generated from it).
 * Every call answers `{ data, error, response }`: `error` is the RFC 9457 problem of a refusal.
 */
export function createTreatyLedgerClient({ apiKey, ...options }: TreatyLedgerClientOptions): Client<paths> {
  const client = createClient<paths>(options);
  client.use({
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${apiKey}`);
      return request;
    },
  });
  return client;
}
