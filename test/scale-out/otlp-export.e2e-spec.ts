import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess } from '../support/app-process.js';
import { api } from '../support/http.js';
import { until } from '../support/webhook-receiver.js';

/**
 * The server as deployed, with OTEL_EXPORTER_OTLP_ENDPOINT set: its spans reach an OTLP/HTTP
 * collector (here a loopback server that keeps what it is sent), and its request log lines carry
 * the trace id of the spans. Without the variable nothing is sent anywhere.
 */
interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
}

let collector: Server;
let collectorUrl: string;
const exported: OtlpSpan[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'treaty-ledger-otlp-'));
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
        };
        for (const r of body.resourceSpans) for (const s of r.scopeSpans) exported.push(...s.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenTelemetry export over OTLP/HTTP', () => {
  it('exports the span tree of an append, and the request log line carries its trace id', async () => {
    const server = await startAppProcess({
      DATABASE_URL: `sqlite:${join(dir, 'traced.db')}`,
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_SERVICE_NAME: 'treaty-ledger-test',
    });
    try {
      const proposed = await api(server.url).post(
        '/api/agreements',
        {
          id: 'usa-jpn-1960',
          title: 'Treaty of Mutual Cooperation and Security',
          parties: ['USA', 'JPN'],
          provisions: ['mutual_defense'],
          occurredOn: '1960-01-06',
        },
        { 'x-request-id': 'otlp-test-1' },
      );
      expect(proposed.status).toBe(201);
      await until(() => exported.some((s) => s.name === 'commit'), 20_000, 'the commit span');
      const root = exported.find((s) => s.name === 'POST /api/agreements')!;
      const inTrace = exported.filter((s) => s.traceId === root.traceId);
      const parentOf = (name: string) =>
        inTrace.find((s) => s.spanId === inTrace.find((c) => c.name === name)?.parentSpanId)?.name;
      expect(parentOf('command RecordAgreementEvents')).toBe('POST /api/agreements');
      expect(parentOf('decide')).toBe('command RecordAgreementEvents');
      expect(parentOf('append')).toBe('command RecordAgreementEvents');
      expect(parentOf('commit')).toBe('append');

      const logLine = server
        .output()
        .split('\n')
        .filter((line) => line.includes('otlp-test-1') && line.includes('trace_id'));
      expect(logLine.length).toBeGreaterThan(0);
      expect(logLine.every((line) => line.includes(root.traceId))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('sends nothing without an endpoint', async () => {
    const before = exported.length;
    const server = await startAppProcess({
      DATABASE_URL: `sqlite:${join(dir, 'untraced.db')}`,
      LOG_LEVEL: 'info',
    });
    try {
      const res = await api(server.url).get('/api/agreements', { 'x-request-id': 'otlp-test-2' });
      expect(res.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(exported.length).toBe(before);
      expect(server.output()).not.toContain('trace_id');
    } finally {
      await server.stop();
    }
  });
});
