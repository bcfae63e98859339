import { setStateNames } from './format.js';
import { currentKey, requireSignIn } from './session.js';

/** A refusal from the API, with its RFC 9457 problem when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The server answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers() {
  const key = currentKey();
  return { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
}

/** GET a JSON resource. 401 opens the sign-in dialog; any other refusal throws an ApiError. */
export async function getJson(path, { signal, key } = {}) {
  const response = await fetch(path, {
    headers: key === undefined ? headers() : { accept: 'application/json', authorization: `Bearer ${key}` },
    signal,
  });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok) return body;
  if (response.status === 401 && key === undefined) requireSignIn(body?.detail);
  throw new ApiError(response.status, body);
}

/**
 * POST JSON (a write): the answer's body, or an ApiError carrying the problem (its `errors` name the
 * fields). `ifMatch` sends the version the page shows, so a change made meanwhile is a 412.
 */
export async function postJson(path, body, { ifMatch } = {}) {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      ...headers(),
      'content-type': 'application/json',
      ...(ifMatch === undefined ? {} : { 'if-match': `"${ifMatch}"` }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let answer;
  try {
    answer = text ? JSON.parse(text) : undefined;
  } catch {
    answer = undefined;
  }
  if (response.ok) return answer;
  if (response.status === 401) requireSignIn(answer?.detail);
  throw new ApiError(response.status, answer);
}

/** Who the saved key is ({ name, role, parties }), or undefined when none is saved or it is refused. */
export async function currentSession() {
  try {
    return await getJson('/api/session');
  } catch {
    return undefined;
  }
}

/** Every item of a paged list, following nextCursor. */
export async function getAll(path, { signal, maxPages = 50 } = {}) {
  const items = [];
  let cursor;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const body = await getJson(url, { signal });
    items.push(...(Array.isArray(body) ? body : (body?.items ?? [])));
    cursor = body?.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/**
 * The provisions the API accepts, read from its own OpenAPI document (public, no key): the
 * page keeps no copy of the server's vocabulary.
 */
export async function acceptedProvisions() {
  const response = await fetch('/docs-json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(response.status, undefined);
  const document = await response.json();
  const provisions = document?.components?.schemas?.ProposeAgreementRequest?.properties?.provisions;
  return provisions?.items?.enum ?? [];
}

let stateNames;

/**
 * Loads the registry of states once (GET /api/states, any key may read it) and names them for the
 * pages; resolves to its items. A failure is retried next time.
 */
export function loadStateNames() {
  stateNames ??= getJson('/api/states').then(
    (body) => {
      const items = body?.items ?? [];
      setStateNames(items);
      return items;
    },
    (error) => {
      stateNames = undefined;
      throw error;
    },
  );
  return stateNames;
}

/** Like getJson, but a 404 (a route this server does not have yet) answers undefined. */
export async function getOptional(path, options) {
  try {
    return await getJson(path, options);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return undefined;
    throw error;
  }
}
