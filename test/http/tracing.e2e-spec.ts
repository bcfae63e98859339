import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * The span tree of one append, read from the SDK's in-memory exporter: HTTP request → command →
 * decide and append (with its batch's size) → commit; and a query's span under its request.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let running: RunningApp;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  provider.register();
  running = await startApp();
  http = api(running.url);
  const proposed = await http.post('/api/agreements', {
    id: 'usa-jpn-1960',
    title: 'Treaty of Mutual Cooperation and Security',
    parties: ['USA', 'JPN'],
    provisions: ['mutual_defense'],
    occurredOn: '1960-01-06',
  });
  expect(proposed.status).toBe(201);
});

afterAll(async () => {
  await running?.close();
  await provider.shutdown();
  trace.disable();
});

const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

/** The spans of the trace whose request carried this request id. */
function traceOf(requestId: string): { root: ReadableSpan; spans: ReadableSpan[] } {
  const spans = exporter.getFinishedSpans();
  const root = spans.find((s) => s.attributes['treaty_ledger.request_id'] === requestId);
  if (!root) throw new Error(`no span for request ${requestId}`);
  return { root, spans: spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId) };
}

async function settled(): Promise<void> {
  // The HTTP span ends in onResponse, just after the answer is sent.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('tracing with an SDK registered', () => {
  it('gives one append the span tree request → command → decide, append (batch size) → commit', async () => {
    exporter.reset();
    const recorded = await http.post(
      '/api/agreements/usa-jpn-1960/events',
      { type: 'AgreementSigned', occurredOn: '1960-01-19', data: { party: 'USA' } },
      { 'x-request-id': 'trace-test-append-1' },
    );
    expect(recorded.status).toBe(201);
    await settled();

    const { root, spans } = traceOf('trace-test-append-1');
    expect(root.name).toBe('POST /api/agreements/:id/events');
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/agreements/:id/events',
      'http.response.status_code': 201,
    });
    expect(root.parentSpanContext).toBeUndefined();

    const [command, ...others] = childrenOf(spans, root);
    expect(others).toEqual([]);
    expect(command!.name).toBe('command RecordAgreementEvents');
    const steps = childrenOf(spans, command!);
    expect(steps.map((s) => s.name).sort()).toEqual(['append', 'decide']);
    const append = steps.find((s) => s.name === 'append')!;
    expect(append.attributes).toMatchObject({
      'treaty_ledger.agreement_id': 'usa-jpn-1960',
      'treaty_ledger.events': 1,
      'treaty_ledger.batch.appends': expect.any(Number),
    });
    const [commit] = childrenOf(spans, append);
    expect(commit!.name).toBe('commit');
    expect(commit!.attributes['treaty_ledger.batch.appends']).toBeGreaterThanOrEqual(1);
    // Each span lies within its parent. The SDK dates a span's start from Date.now() (a millisecond
    // clock) and measures its length with performance.now(): spans are compared to the millisecond.
    for (const [outer, inner] of [
      [root, command!],
      [command!, append],
      [append, commit!],
    ] as const) {
      const pair = `${inner.name} in ${outer.name}`;
      expect({ pair, startsWithin: toNs(inner.startTime) >= toNs(outer.startTime) - MS }).toEqual({
        pair,
        startsWithin: true,
      });
      expect({ pair, endsWithin: toNs(inner.endTime) <= toNs(outer.endTime) + MS }).toEqual({
        pair,
        endsWithin: true,
      });
    }
  });

  it('shows appends that shared a group commit: batch size on each', async () => {
    exporter.reset();
    const ids = ['kor-usa-1953', 'aus-usa-1951', 'phl-usa-1951', 'gbr-usa-1958'];
    const answers = await Promise.all(
      ids.map((id, i) =>
        http.post(
          '/api/agreements',
          {
            id,
            title: `Agreement ${id}`,
            parties: id.toUpperCase().split('-').slice(0, 2),
            provisions: ['mutual_defense'],
            occurredOn: '1953-10-01',
          },
          { 'x-request-id': `trace-test-batch-${i}` },
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 201));
    await settled();
    const sizes = ids.map((_, i) => {
      const { spans } = traceOf(`trace-test-batch-${i}`);
      return spans.find((s) => s.name === 'commit')!.attributes['treaty_ledger.batch.appends'] as number;
    });
    expect(sizes.every((n) => n >= 1 && n <= ids.length)).toBe(true);
  });

  it('traces a query under its request, and continues a caller’s traceparent', async () => {
    exporter.reset();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const read = await http.get('/api/agreements/usa-jpn-1960', {
      'x-request-id': 'trace-test-query-1',
      traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`,
    });
    expect(read.status).toBe(200);
    await settled();
    const { root, spans } = traceOf('trace-test-query-1');
    expect(root.spanContext().traceId).toBe(callerTrace);
    expect(root.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(childrenOf(spans, root).map((s) => s.name)).toEqual(['query GetAgreement']);
  });

  it('traces a request refused at the door, named by its route, never by its URL', async () => {
    exporter.reset();
    const refused = await fetch(`${running.url}/api/events/live?access_token=not-a-key`, {
      headers: { 'x-request-id': 'trace-test-refused-1' },
    });
    expect(refused.status).toBe(401);
    await settled();
    const { root } = traceOf('trace-test-refused-1');
    expect(root.name).toBe('GET /api/events/live');
    expect(JSON.stringify(root.attributes)).not.toContain('not-a-key');
    expect(root.attributes['http.response.status_code']).toBe(401);
  });
});

const MS = 1_000_000n;
const toNs = ([s, ns]: [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(ns);
