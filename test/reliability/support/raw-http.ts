import { Agent, request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * One request exactly as given (path not normalised, body as raw bytes, any header), through
 * node:http rather than fetch, which would normalise `..` and refuse odd bodies. Resolves
 * undefined when node:http itself refuses to send it (an invalid header character, say).
 */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string | undefined>,
  body?: Buffer,
): Promise<RawResponse | undefined> {
  const { hostname, port } = new URL(base);
  const given = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = request(
        {
          agent,
          hostname,
          port,
          method,
          path,
          headers: { ...given, ...(body ? { 'content-length': body.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', reject);
        },
      );
    } catch {
      resolve(undefined);
      return;
    }
    req.on('error', reject);
    req.end(body);
  });
}

export const closeRawConnections = () => agent.destroy();
