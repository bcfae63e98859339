const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
/** Built once: every response gets one of these. */
const HEADERS_BY_PATH = {
  api: { ...SECURITY_HEADERS, 'cache-control': 'no-store', 'content-security-policy': CSP },
  docs: SECURITY_HEADERS,
  pages: { ...SECURITY_HEADERS, 'content-security-policy': CSP },
};

/**
 * Sent on every response, chosen by the route that answered (its pattern, never the URL as sent):
 * what needs a key is never cached, the pages load nothing from elsewhere.
 */
export function securityHeaders(route: string | undefined, access: string): Record<string, string> {
  if (access !== 'public' || route === undefined || route.startsWith('/api')) return HEADERS_BY_PATH.api;
  return route.startsWith('/docs') ? HEADERS_BY_PATH.docs : HEADERS_BY_PATH.pages;
}
