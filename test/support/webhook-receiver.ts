import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback: keeps every request it gets and answers as `answer` says
 * (a status, or 'hang': never answer).
 */
export async function startReceiver(
  answer: (received: ReceivedWebhook, index: number) => number | 'hang' | Promise<number | 'hang'> = () =>
    204,
) {
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const webhook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(webhook);
      void Promise.resolve(answer(webhook, received.length - 1)).then((status) => {
        if (status === 'hang') hanging.add(res);
        else res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The events received, parsed, in arrival order. */
    events: () => received.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, any> }),
    close: () =>
      new Promise<void>((resolve) => {
        hanging.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves once `predicate` holds; fails after `ms` rather than hanging. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  ms = 30_000,
  what = 'the condition',
) {
  for (const deadline = Date.now() + ms; !(await predicate());) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
