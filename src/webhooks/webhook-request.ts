import { createHmac, randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { OutboundPolicy } from './outbound-url.js';

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The Standard Webhooks headers (standardwebhooks.com): `webhook-id`, `webhook-timestamp` (Unix
 * seconds) and `webhook-signature`, `v1,` and the base64 HMAC-SHA256, keyed with the secret's
 * decoded bytes, of `id.timestamp.body`.
 */
export function signedHeaders(secret: string, id: string, timestamp: number, body: string) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}

export interface Attempt {
  ok: boolean;
  responseStatus?: number;
  latencyMs: number;
  error?: string;
}

/** The most of a receiver's answer that is read (and dropped): its status is what counts. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST of a webhook: a 2xx answer within `timeoutMs` is a delivery; anything else is an
 * error in words (never the secret, never the receiver's body). Redirects are not followed. The
 * connection goes only to an address the policy allows, checked as the name is resolved.
 */
export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; policy: OutboundPolicy; userAgent: string },
): Promise<Attempt> {
  await options.policy.ready();
  const started = performance.now();
  const done = (attempt: Omit<Attempt, 'latencyMs'>): Attempt => ({
    ...attempt,
    latencyMs: Math.round(performance.now() - started),
  });
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !options.policy.allows(host, host)) {
    return done({ ok: false, error: `${host} is not an allowed address` });
  }
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((a) => options.policy.allows(hostname, a.address));
      if (allowed.length === 0) {
        return callback(new Error(`${hostname} resolves to no allowed address`), '', 0);
      }
      if (lookupOptions.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  return new Promise((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        lookup,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': options.userAgent,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const finish = () =>
          resolve(
            status >= 200 && status < 300
              ? done({ ok: true, responseStatus: status })
              : done({ ok: false, responseStatus: status, error: `the receiver answered ${status}` }),
          );
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
      },
    );
    // One deadline for the whole exchange (connect, send, answer), not an idle-socket timeout.
    const deadline = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve(done({ ok: false, error: error.code ? `${error.code}: ${error.message}` : error.message })),
    );
    request.on('close', () => clearTimeout(deadline));
    request.end(body);
  });
}
