import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { markPublic } from '../auth/route-access.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The browser pages: plain HTML, CSS and ES modules from src/web/public, no build step.
 * Compiled, this file runs from dist/src/web/, so the folder is looked up in both places:
 * `npm start` from a fresh clone serves the files from the source tree.
 */
export function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public'), join(here, '..', '..', '..', 'src', 'web', 'public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`The web pages are missing: looked in ${candidates.join(' and ')}`);
  return found;
}

/** Pages whose path carries an id: the page reads it from location.pathname. */
const PAGES: Record<string, string> = {
  '/agreements/:id': 'agreement.html',
  '/agreements/:id/audit-report': 'audit-report.html',
  '/parties/:code': 'party.html',
  '/insights': 'insights.html',
};

/**
 * A Fastify plugin, registered in its own scope so its reply decorators stay private. The
 * security headers (a Content-Security-Policy that allows only this origin) are the app's own,
 * set on every response in app.factory.ts; the pages comply: no inline script or style.
 */
export async function webPages(scope: FastifyInstance, options: { root: string }): Promise<void> {
  // Every route of this scope (the pages and their assets) is public: they hold no data.
  scope.addHook('onRoute', markPublic);
  await scope.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    wildcard: false,
  });
  for (const [path, file] of Object.entries(PAGES)) {
    scope.get(path, (_request, reply) => reply.sendFile(file));
  }
}
