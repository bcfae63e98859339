import { formatWarning } from './import-plan.js';
import type { ImportReporter, ImportSummary } from './record-plan.js';

/**
 * An import's report on the console: the plan and the summary on stdout, every warning on stderr
 * as `file:line column: what was done`, and progress as a bar redrawn in place on a terminal or
 * a line every 100 agreements otherwise (logs, pipes).
 */
export function consoleReport(out: NodeJS.WriteStream = process.stdout): ImportReporter {
  return {
    plan: (line) => console.log(line),
    warning: (w) => console.error(`warning: ${formatWarning(w)}`),
    refused: (line) => console.error(line),
    progress: out.isTTY ? progressBar(out) : plainProgress(),
    summary: (summary: ImportSummary, seconds: number) => {
      for (const f of summary.failures) console.error(`failed: ${f.agreementId}: ${f.message}`);
      console.log(
        [
          `agreements: ${summary.agreements}`,
          `events:     ${summary.events} recorded, ${summary.retracted} retracted (what an earlier import said that the data no longer does)`,
          `skipped:    ${summary.skipped} agreements already imported`,
          `warnings:   ${summary.warnings.length}`,
          `failures:   ${summary.failures.length}`,
          `time:       ${seconds.toFixed(2)} s`,
        ].join('\n'),
      );
    },
  };
}

function progressBar(out: NodeJS.WriteStream) {
  const width = 30;
  let shown = -1;
  return (done: number, total: number) => {
    const filled = Math.round((done / total) * width);
    if (filled === shown && done !== total) return;
    shown = filled;
    out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} agreements`);
    if (done === total) out.write('\n');
  };
}

function plainProgress() {
  return (done: number, total: number) => {
    if (done % 100 === 0 || done === total) console.log(`recorded ${done}/${total} agreements`);
  };
}
