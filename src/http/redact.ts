/** Query parameters that carry a secret: their values never reach a log line or a problem body. */
const SECRET_PARAMETERS = new Set(['access_token']);

/**
 * The URL as sent, with the value of every secret parameter replaced by `[redacted]`. A name is
 * compared as the query parser reads it (`access%5Ftoken` is `access_token`, `+` a space); a
 * parameter whose name cannot be decoded is redacted whole, since the parser may still read it.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      const name = decodeName(rawName);
      if (name === undefined) return '[redacted]';
      return SECRET_PARAMETERS.has(name.trim().toLowerCase()) ? `${rawName}=[redacted]` : part;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function decodeName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}
