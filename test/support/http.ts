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

export const api = (base: string) => ({
  get: <T = any>(path: string, headers?: Record<string, string>) =>
    request<T>(base, 'GET', path, undefined, headers),
  post: <T = any>(path: string, body: unknown, headers?: Record<string, string>) =>
    request<T>(base, 'POST', path, body, headers),
});
