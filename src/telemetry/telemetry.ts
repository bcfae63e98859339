import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Starts the OpenTelemetry SDK for Node with an OTLP/HTTP trace exporter when an OTLP endpoint is
 * configured (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); the SDK reads the
 * other standard OTEL_* variables itself (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_HEADERS, OTEL_BSP_*…). Without an endpoint, or with
 * OTEL_SDK_DISABLED=true, nothing starts: no exporter, no provider, spans are no-ops.
 * Returns what flushes and stops it, or undefined. It reads process.env, as the SDK itself does.
 */
export function startTelemetry(): (() => Promise<void>) | undefined {
  const env = process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true') return undefined;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'treaty-ledger',
    traceExporter: new OTLPTraceExporter(),
    // The spans are the application's own (tracing.ts): no auto-instrumentation of modules.
    instrumentations: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
