import { TEST_ADMIN_KEY } from './app.js';

/** Small fetch helpers for e2e tests: real HTTP, JSON in and out. */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** The test admin key by default; a caller's own `authorization` header replaces it. */
export const api = (base: string, key: string = TEST_ADMIN_KEY) => {
  const withKey = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...headers });
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) =>
      request<T>(base, 'GET', path, undefined, withKey(headers)),
    post: <T = any>(path: string, body: unknown, headers?: Record<string, string>) =>
      request<T>(base, 'POST', path, body, withKey(headers)),
    request: <T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      request<T>(base, method, path, body, withKey(headers)),
  };
};
