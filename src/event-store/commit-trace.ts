import { context, trace, type Context } from '@opentelemetry/api';
import type { PendingAppend } from './event-store.port.js';

const tracer = trace.getTracer('treaty-ledger');

/** The caller's context when its span is recorded; undefined (nothing to do later) when tracing is off. */
export function recordedContext(): Context | undefined {
  const active = context.active();
  return trace.getSpan(active)?.isRecording() ? active : undefined;
}

/**
 * After a group commit: under each traced append a `commit` span, from when its batch went to be
 * committed to when the commit was known durable, and the batch's size on the append's own span
 * (the appends that shared the transaction and its fsync). `startTime` is a `performance.now()`.
 */
export function traceCommit(batch: readonly PendingAppend[], startTime: number): void {
  const attributes = { 'treaty_ledger.batch.appends': batch.length };
  for (const pending of batch) {
    if (!pending.trace) continue;
    trace.getSpan(pending.trace)?.setAttributes(attributes);
    tracer.startSpan('commit', { startTime, attributes }, pending.trace).end();
  }
}
