import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * The application's tracer. It writes to whatever tracer provider is registered: the OpenTelemetry
 * SDK that `startTelemetry` starts when OTEL_EXPORTER_OTLP_ENDPOINT is set, a test's in-memory one,
 * or none, when every span is a no-op that records nothing.
 */
export const tracer = trace.getTracer('treaty-ledger');

/** Runs `work` in a new active span, ended (with the error, if any) when it settles. */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The synchronous twin of inSpan (the decider is pure and synchronous). */
export function inSpanSync<T>(name: string, attributes: Attributes, work: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      return work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name ?? 'Error' });
  if (error instanceof Error) span.recordException(error);
}
