import { getAll, getJson, getOptional } from './api.js';
import { $, h, replace } from './dom.js';
import { eventLabel, formatDate, formatTimestamp, plural } from './format.js';
import { checkBundle } from './log-proof.js';
import { startSession } from './session.js';
import { showNotice } from './widgets.js';

/**
 * An agreement's audit report, meant for paper or PDF: every event as stored with its actor, time of
 * recording and full hash, the hash-chain check, each event's inclusion proof checked against the
 * log's latest checkpoint, and that checkpoint and key in full.
 */

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const base = `/api/agreements/${encodeURIComponent(id)}`;

const mark = (ok, yes, no) => h('span', { class: ok ? 'badge verified' : 'badge broken' }, ok ? yes : no);

async function load() {
  const [agreement, events, chain, bundle] = await Promise.all([
    getJson(base),
    getAll(`${base}/events?limit=1000`),
    getOptional(`${base}/audit/verify`),
    getOptional(`${base}/proof-bundle`).catch(() => undefined),
  ]);
  document.title = `Audit report: ${agreement.title} · Treaty Ledger`;
  replace($('#title'), `Audit report: ${agreement.title}`);
  replace($('#agreement-id'), agreement.id);
  $('#agreement-link').href = `/agreements/${encodeURIComponent(agreement.id)}`;
  replace($('#agreement-link'), agreement.title);
  replace(
    $('#generated'),
    `generated ${formatTimestamp(new Date().toISOString())}, version ${agreement.version}`,
  );

  const chainLine = $('#chain');
  if (chain) {
    chainLine.className = `verify ${chain.valid ? 'verify-ok' : 'verify-broken'}`;
    replace(
      chainLine,
      chain.valid
        ? `Hash chain verified: ${plural(chain.checked, 'event')} checked.`
        : `Hash chain broken at position ${chain.firstInvalidPosition}: this history was altered after it was recorded.`,
    );
  } else replace(chainLine, 'Hash chain check not available on this server.');

  let proven = new Map();
  const logLine = $('#log-proof');
  if (bundle) {
    replace($('#checkpoint'), bundle.checkpoint);
    replace(
      $('#log-key'),
      `Log key: ${bundle.key}. Verify offline: npm run audit:verify -- --export <proof bundle> --key <key>.`,
    );
    const result = await checkBundle(bundle);
    proven = result.proven;
    if (result.checked) logLine.className = `verify ${result.ok ? 'verify-ok' : 'verify-broken'}`;
    replace(logLine, result.text);
  } else {
    replace(logLine, 'This server signs no log checkpoints (its log is read-only).');
  }

  replace(
    $('#report tbody'),
    events.map((e) =>
      h(
        'tr',
        { dataset: { position: String(e.position) } },
        h('td', { class: 'num' }, String(e.version), h('div', { class: 'muted small' }, `pos ${e.position}`)),
        h(
          'td',
          {},
          eventLabel(e.type),
          h('div', { class: 'muted small' }, e.eventId),
          h('pre', { class: 'small' }, JSON.stringify(e.data, null, 1)),
        ),
        h('td', {}, formatDate(e.occurredOn)),
        h('td', {}, formatTimestamp(e.recordedAt)),
        h(
          'td',
          {},
          e.actor ?? '',
          e.metadata?.keyId ? h('div', { class: 'muted small' }, `key ${e.metadata.keyId}`) : '',
        ),
        h('td', {}, h('code', { class: 'hash full' }, e.hash)),
        h('td', {}, proven.has(e.position) ? mark(proven.get(e.position), '✓ proven', '✗ not proven') : '—'),
      ),
    ),
  );
}

startSession();
$('#print').addEventListener('click', () => window.print());
load().catch((error) => showNotice($('#notice'), `The report could not be made: ${error.message}`));
