import { afterEach, describe, expect, it } from '@jest/globals';
import { trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry.js';

const NAMES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_SDK_DISABLED'];
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('startTelemetry', () => {
  it('starts nothing without an OTLP endpoint, or when OTEL_SDK_DISABLED=true', () => {
    for (const name of NAMES) delete process.env[name];
    expect(startTelemetry()).toBeUndefined();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9';
    process.env.OTEL_SDK_DISABLED = 'true';
    expect(startTelemetry()).toBeUndefined();
    // No provider was registered: spans are the API's no-ops.
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
  });

  it('registers a recording provider when an endpoint is set, and stops it', async () => {
    for (const name of NAMES) delete process.env[name];
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = 'http://127.0.0.1:9/v1/traces';
    const stop = startTelemetry();
    expect(stop).toBeDefined();
    // Not ended, so not exported: this test has no collector.
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(true);
    await stop!();
    trace.disable();
    expect(trace.getTracer('t').startSpan('s').isRecording()).toBe(false);
  });
});
