import { context, trace, type Context } from '@opentelemetry/api';
import { tracer } from '../telemetry/tracing.js';
import type { PendingAppend } from './event-store.port.js';

/** The caller's context when its span is recorded; undefined (nothing to do later) when tracing is off. */
export function recordedContext(): Context | undefined {
  const active = context.active();
  return trace.getSpan(active)?.isRecording() ? active : undefined;
}

const NOTHING = () => undefined;

/**
 * As a group commit starts: under each traced append a `commit` span, and the batch's size (the
 * appends that share the transaction and its fsync) on it and on the append's own span. Returns
 * what ends the spans, called once the commit is durable (or has failed).
 */
export function commitSpans(batch: readonly PendingAppend[]): () => void {
  const traced = batch.filter((pending) => pending.trace !== undefined);
  if (traced.length === 0) return NOTHING;
  const attributes = { 'treaty_ledger.batch.appends': batch.length };
  const spans = traced.map((pending) => {
    trace.getSpan(pending.trace!)?.setAttributes(attributes);
    return tracer.startSpan('commit', { attributes }, pending.trace);
  });
  return () => spans.forEach((span) => span.end());
}
