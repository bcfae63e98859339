import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/**
 * Who may call a route, decided from the route the router matched (its config), never from the
 * request's URL text. A route says nothing: it needs a valid API key (deny by default).
 *
 * - `public`: no key (health, the pages and their assets, the API docs);
 * - `metrics`: public unless METRICS_PUBLIC=false, then a key;
 * - `key-or-query-token`: a key, which may also come as ?access_token= (EventSource sends no headers);
 * - `key-admin`: an admin key, whatever the method (webhook subscriptions).
 */
export type RouteAccess = 'public' | 'metrics' | 'key' | 'key-or-query-token' | 'key-admin';

export interface RouteAccessConfig {
  access?: RouteAccess;
}

/** No API key needed for this route. */
export const Public = () => RouteConfig({ access: 'public' } satisfies RouteAccessConfig);

/** Public unless the operator turned METRICS_PUBLIC off. */
export const PublicMetrics = () => RouteConfig({ access: 'metrics' } satisfies RouteAccessConfig);

/** A key is needed, and may be sent as ?access_token= (the live feed: EventSource cannot send headers). */
export const KeyInQuery = () => RouteConfig({ access: 'key-or-query-token' } satisfies RouteAccessConfig);

/** Only an admin key, for reads too. */
export const AdminOnly = () => RouteConfig({ access: 'key-admin' } satisfies RouteAccessConfig);

/** A route's access, from its config: a route that says nothing needs a key. */
export const accessIn = (config: unknown): RouteAccess =>
  (config as RouteAccessConfig | undefined)?.access ?? 'key';

/** The matched route's access. */
export const accessOf = (request: FastifyRequest): RouteAccess => accessIn(request.routeOptions.config);

/** Marks a route public while it is registered (Fastify onRoute): the pages and the docs. */
export function markPublic(route: { config?: unknown }): void {
  route.config = { ...(route.config as object | undefined), access: 'public' } satisfies RouteAccessConfig;
}
