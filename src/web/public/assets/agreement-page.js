import { ApiError, getAll, getJson, getOptional, loadStateNames } from './api.js';
import { $, h, replace } from './dom.js';
import {
  eventLabel,
  formatDate,
  formatTimestamp,
  lateness,
  laneOf,
  partyName,
  plural,
  words,
} from './format.js';
import { currentKey, startSession } from './session.js';
import { canRecord, openRecordForm, openRetractForm } from './agreement-recording.js';
import { csvOf, download } from './csv-download.js';
import { checkBundle } from './log-proof.js';
import { createTimeline } from './timeline-chart.js';
import { milestoneBadge, partyChips, partyLink, showNotice, statusBadge } from './widgets.js';

/** One agreement: status, timeline, milestones and audit trail, kept current by the live feed. */

const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const timeline = createTimeline($('#chart'));
const known = new Set();
let allPartiesShown = false;
let lastPosition = 0;
/** The agreement as shown (its status and version: what a form sends as If-Match). */
let current;
/** Whether the signed-in key may record here: Record event and Retract… appear only then. */
let writer = false;
/** Event ids by position, from the stored events: what a retraction names. */
const eventIds = new Map();
const recorded = (label) => replace($('#announcer'), `Recorded: ${label}. The page updates as it arrives.`);

// ---------- status ----------

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

const date = (iso) => h('time', { datetime: iso }, formatDate(iso));

function renderStatus(a) {
  document.title = `${a.title} · Treaty Ledger`;
  replace($('#title'), a.title);
  replace($('#crumb'), a.title);
  replace($('#status-badge'), statusBadge(a.status));
  replace($('#parties'), partyChips(a.parties, { max: 12 }));
  replace($('#agreement-id'), a.id);

  const facts = [];
  facts.push(fact('Proposed', date(a.proposedOn), a.facilitator ? ` · facilitated by ${a.facilitator}` : ''));
  const unsigned = a.parties.filter((p) => !a.signatures?.[p]);
  if (a.signedOn) facts.push(fact('Signed by all', date(a.signedOn)));
  else if (!a.endedOn) facts.push(fact('Awaiting signature', partyChips(unsigned)));
  if (a.inForceOn) facts.push(fact('In force', date(a.inForceOn)));
  else if (a.entryIntoForce === 'not recorded') facts.push(fact('Entry into force', 'not recorded'));
  if (a.suspendedOn) facts.push(fact('Suspended', date(a.suspendedOn)));
  if (a.endedOn) {
    facts.push(
      fact(
        a.status === 'withdrawn' ? 'Withdrawn' : 'Ended',
        date(a.endedOn),
        a.endReason ? ` (${words(a.endReason)})` : '',
      ),
    );
  }
  if (a.supersededBy) {
    facts.push(
      fact(
        'Superseded by',
        h('a', { href: `/agreements/${encodeURIComponent(a.supersededBy)}` }, a.supersededBy),
      ),
    );
  }
  if (a.termEndsOn) facts.push(fact(a.renewedUntil ? 'Renewed until' : 'Term ends', date(a.termEndsOn)));
  // Whether it is overdue is the server's judgement: the milestones section shows it.
  if (a.nextReviewDue && !a.endedOn) facts.push(fact('Next review due', date(a.nextReviewDue)));
  for (const w of a.pendingWithdrawals ?? []) {
    facts.push(
      fact(
        'Notice of withdrawal',
        partyLink(w.party),
        ` given ${formatDate(w.noticeOn)}, takes effect ${formatDate(w.effectiveOn)}`,
      ),
    );
  }
  for (const [party, actions] of Object.entries(a.partyActions ?? {})) {
    const told = [
      ...(actions.reservations ?? []).map(
        (r) => `reservation ${r.reservationId}${r.withdrawnOn ? ' (withdrawn)' : ''}: ${r.text}`,
      ),
      ...(actions.declarations ?? []).map((d) => `declaration: ${d.text}`),
      ...(actions.objections ?? []).map((o) => `objection to ${o.toParty}: ${o.text}`),
      ...(actions.provisionallyApplyingSince
        ? [`applies provisionally since ${formatDate(actions.provisionallyApplyingSince)}`]
        : []),
      ...(actions.successorTo ? [`successor to ${actions.successorTo.predecessor}`] : []),
    ];
    if (told.length > 0) {
      facts.push(
        fact(
          partyName(party) ?? party,
          h(
            'ul',
            { class: 'plain' },
            told.map((t) => h('li', {}, t)),
          ),
        ),
      );
    }
  }
  if (a.lastReview)
    facts.push(fact('Last review', date(a.lastReview.on), ` · ${words(a.lastReview.outcome)}`));
  facts.push(
    fact(
      'Exercises',
      a.exerciseCount ? plural(a.exerciseCount, 'exercise') : 'None recorded',
      a.lastExercise ? ` · last: ${a.lastExercise.name}, ${formatDate(a.lastExercise.startedOn)}` : '',
    ),
  );
  if (a.consultationCount) facts.push(fact('Consultations', plural(a.consultationCount, 'consultation')));
  facts.push(
    fact(
      'Provisions',
      a.provisions.length
        ? h(
            'span',
            { class: 'tags' },
            a.provisions.map((p) => h('span', { class: 'tag' }, words(p))),
          )
        : 'None',
      a.termsVersion > 1
        ? h('span', { class: 'muted' }, ` · amended ${plural(a.termsVersion - 1, 'time')}`)
        : '',
    ),
  );
  if (a.objectives?.length)
    facts.push(
      fact(
        'Objectives',
        h(
          'ul',
          { class: 'plain' },
          a.objectives.map((o) => h('li', {}, o)),
        ),
      ),
    );
  if (a.aliases?.length) facts.push(fact('Also known as', a.aliases.join(' · ')));
  if (a.scope)
    facts.push(fact('Scope', a.scope === 'general' ? 'Framework agreement' : 'One field of cooperation'));
  if (a.references?.length) {
    facts.push(
      fact(
        'References',
        h(
          'ul',
          { class: 'plain' },
          a.references.map((r) =>
            h(
              'li',
              {},
              r.series === 'url'
                ? h('a', { href: r.url, rel: 'noopener noreferrer' }, r.url)
                : `${r.series} ${r.number}`,
            ),
          ),
        ),
      ),
    );
  }
  if (a.sameAs?.length) {
    facts.push(
      fact(
        'Same treaty as',
        h(
          'ul',
          { class: 'plain' },
          a.sameAs.map((l) =>
            h(
              'li',
              {},
              h('a', { href: `/agreements/${encodeURIComponent(l.id)}` }, l.id),
              h('span', { class: 'muted' }, ` · ${l.reason}`),
            ),
          ),
        ),
      ),
    );
  }
  replace($('#facts'), facts);

  const rows = a.parties.map((p) =>
    h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row' },
        partyLink(p),
        partyName(p) ? h('span', { class: 'muted' }, ` ${partyName(p)}`) : '',
      ),
      h(
        'td',
        {},
        a.signatures?.[p]
          ? date(a.signatures[p])
          : h('span', { class: 'muted' }, a.accessions?.[p] ? '' : 'not yet'),
        a.accessions?.[p] ? ' (acceded)' : '',
      ),
      h(
        'td',
        {},
        a.ratifications?.[p]
          ? [date(a.ratifications[p].on), h('span', { class: 'muted' }, ` ${a.ratifications[p].instrument}`)]
          : '—',
      ),
    ),
  );
  for (const former of a.formerParties ?? []) {
    rows.push(
      h(
        'tr',
        { class: 'former' },
        h('th', { scope: 'row' }, partyLink(former.party)),
        h(
          'td',
          { colspan: '2' },
          'withdrew ',
          date(former.withdrawnOn),
          former.reason ? ` (${former.reason})` : '',
        ),
      ),
    );
  }
  // A long membership (NATO has 32) shows its first rows and the rest on request.
  const tbody = $('#party-table tbody');
  replace(tbody, rows);
  const shown = 8;
  $('.signatures .show-all')?.remove();
  if (rows.length > shown + 2 && !allPartiesShown) {
    rows.slice(shown).forEach((row) => (row.hidden = true));
    const button = h(
      'button',
      { type: 'button', class: 'secondary show-all' },
      `Show all ${rows.length} parties`,
    );
    button.addEventListener('click', () => {
      allPartiesShown = true;
      rows.forEach((row) => (row.hidden = false));
      button.remove();
    });
    $('.signatures').append(button);
  }
}

// ---------- timeline ----------

/** The events as the list shows them, for Download CSV. */
let shownEntries = [];

function renderEvents(entries, fresh) {
  shownEntries = entries;
  const items = entries.map((e) =>
    h(
      'li',
      {
        id: `event-${e.position}`,
        class: `event lane-${laneOf(e.type).id}${fresh.has(e.position) ? ' is-new' : ''}${e.retracted ? ' is-retracted' : ''}`,
        dataset: { position: String(e.position), type: e.type },
      },
      h('time', { datetime: e.occurredOn }, formatDate(e.occurredOn)),
      h('span', { class: 'kind' }, eventLabel(e.type)),
      h('span', { class: 'summary' }, e.retracted ? h('s', {}, e.summary) : e.summary),
      e.retracted ? h('span', { class: 'retracted' }, `Retracted: ${e.retractionReason}`) : null,
      h('span', { class: 'actor muted' }, e.actor ? `recorded by ${e.actor}` : ''),
      writer && !e.retracted && e.type !== 'EventRetracted'
        ? h(
            'button',
            {
              type: 'button',
              class: 'link-button retract',
              onclick: () => {
                const eventId = eventIds.get(e.position);
                if (eventId) openRetractForm(current, e, eventId, { onRecorded: recorded });
              },
            },
            'Retract…',
          )
        : null,
    ),
  );
  replace($('#events'), items);
}

// ---------- milestones ----------

function renderMilestones(list, note) {
  const note$ = $('#milestones-note');
  note$.hidden = !note;
  replace(note$, note ?? '');
  replace(
    $('#milestones tbody'),
    list.map((m) =>
      h(
        'tr',
        { class: `milestone-row row-${m.status}` },
        h(
          'td',
          {},
          m.description,
          m.kind && m.kind !== 'committed' ? h('span', { class: 'muted' }, ` (${words(m.kind)})`) : '',
        ),
        h('td', {}, m.owner === 'ALL' ? 'All parties' : partyLink(m.owner)),
        h('td', {}, date(m.dueOn)),
        h(
          'td',
          {},
          milestoneBadge(m.status),
          m.daysLate
            ? h(
                'span',
                { class: 'muted', title: `${plural(m.daysLate, 'day')} late` },
                ` ${lateness(m.daysLate)} late`,
              )
            : '',
        ),
        h('td', {}, m.metOn ? date(m.metOn) : '—'),
      ),
    ),
  );
  $('#milestones').hidden = list.length === 0;
  $('#milestones-empty').hidden = list.length > 0;
  const overdue = list.filter((m) => m.status === 'overdue').length;
  replace(
    $('#milestone-count'),
    overdue
      ? h('span', { class: 'badge milestone-overdue' }, `${overdue} overdue`)
      : list.length
        ? String(list.length)
        : '',
  );
}

/** The milestones as the server judges them (status, days late): the page judges nothing itself. */
async function loadMilestones() {
  // Calendar clients send no header: the subscription carries the key as access_token.
  const params = new URLSearchParams({ agreement: id });
  const key = currentKey();
  if (key) params.set('access_token', key);
  $('#subscribe').href = `/api/milestones.ics?${params}`;
  const items = await getAll(`/api/agreements/${encodeURIComponent(id)}/milestones?limit=1000`);
  renderMilestones(items);
}

// ---------- audit ----------

function renderAudit(events) {
  replace(
    $('#audit tbody'),
    events.map((e) =>
      h(
        'tr',
        { dataset: { position: String(e.position) } },
        h('td', { class: 'num' }, String(e.version), h('div', { class: 'muted small' }, `pos ${e.position}`)),
        h(
          'td',
          {},
          h(
            'details',
            {},
            h('summary', {}, eventLabel(e.type)),
            h('pre', {}, JSON.stringify({ data: e.data, metadata: e.metadata }, null, 2)),
          ),
        ),
        h('td', {}, date(e.occurredOn)),
        h('td', {}, formatTimestamp(e.recordedAt)),
        h('td', {}, e.actor ?? ''),
        h(
          'td',
          {},
          h(
            'code',
            { class: 'hash', title: `hash ${e.hash}\nprevious ${e.prevHash}` },
            `${e.hash.slice(0, 10)}…`,
          ),
        ),
        h('td', { class: 'in-log' }, '…'),
      ),
    ),
  );
}

/**
 * The signed log: the latest checkpoint, and each event's inclusion proof checked here against its
 * root. The bundle the button downloads is the one checked, for `npm run audit:verify -- --export`.
 */
async function loadLogProof() {
  const status = $('#log-proof');
  const button = $('#download-bundle');
  const mark = (position, ok) => {
    const cell = $(`#audit tr[data-position="${position}"] td.in-log`);
    if (cell)
      replace(
        cell,
        h('span', { class: ok ? 'badge verified' : 'badge broken' }, ok ? '✓ proven' : '✗ not proven'),
      );
  };
  let bundle;
  try {
    bundle = await getOptional(`/api/agreements/${encodeURIComponent(id)}/proof-bundle`);
  } catch (error) {
    status.className = 'verify verify-unknown';
    replace(status, `The signed log could not be read: ${error.message}`);
    button.hidden = true;
    return;
  }
  if (!bundle) {
    status.className = 'verify verify-unknown';
    replace(status, 'This server signs no log checkpoints (its log is read-only).');
    button.hidden = true;
    return;
  }
  const result = await checkBundle(bundle);
  const { checkpoint } = result;
  button.hidden = false;
  button.onclick = () =>
    download(`${id}-proof-bundle.json`, `${JSON.stringify(bundle, null, 2)}\n`, 'application/json');
  const details = $('#log-checkpoint');
  details.hidden = false;
  replace(
    details,
    `Latest checkpoint: ${plural(checkpoint.treeSize, 'event')}, root ${bundle.checkpoint.split('\n')[2]}, ` +
      `signed by ${checkpoint.signers.join(', ')}. Check its signature offline with the log's key ` +
      '(npm run audit:verify -- --export <bundle> --key <key>).',
  );
  if (!result.checked) {
    status.className = 'verify verify-unknown';
    replace(status, result.text);
    return;
  }
  for (const [position, ok] of result.proven) mark(position, ok);
  status.className = `verify ${result.ok ? 'verify-ok' : 'verify-broken'}`;
  replace(status, h('span', { 'aria-hidden': 'true' }, result.ok ? '✓ ' : '✗ '), result.text);
}

async function loadVerify() {
  const verify = $('#verify');
  try {
    const result = await getOptional(`/api/agreements/${encodeURIComponent(id)}/audit/verify`);
    if (result === undefined) {
      verify.className = 'verify verify-unknown';
      replace(verify, 'Hash chain check not available on this server.');
      replace($('#audit-mark'), '');
    } else if (result.valid) {
      verify.className = 'verify verify-ok';
      replace(
        verify,
        h('span', { 'aria-hidden': 'true' }, '✓ '),
        `Hash chain verified: ${plural(result.checked, 'event')} checked.`,
      );
      replace(
        $('#audit-mark'),
        h('span', { class: 'badge verified' }, '✓', h('span', { class: 'tab-extra' }, ' verified')),
      );
    } else {
      verify.className = 'verify verify-broken';
      replace(
        verify,
        h('span', { 'aria-hidden': 'true' }, '✗ '),
        `Hash chain broken at position ${result.firstInvalidPosition}: this history was altered after it was recorded.`,
      );
      replace(
        $('#audit-mark'),
        h('span', { class: 'badge broken' }, '✗', h('span', { class: 'tab-extra' }, ' broken')),
      );
    }
  } catch (error) {
    verify.className = 'verify verify-unknown';
    replace(verify, `The hash chain could not be checked: ${error.message}`);
  }
}

// ---------- loading and live updates ----------

let loading = Promise.resolve();

async function loadAll(fresh = new Set()) {
  const base = `/api/agreements/${encodeURIComponent(id)}`;
  const [agreement, entries] = await Promise.all([
    getJson(base),
    getAll(`${base}/timeline?limit=1000`),
    loadStateNames(),
  ]);
  current = agreement;
  writer = await canRecord(agreement);
  $('#record-event').hidden = !writer;
  renderStatus(agreement);
  timeline.show(entries, agreement, fresh);
  renderEvents(entries, fresh);
  for (const e of entries) {
    known.add(e.position);
    lastPosition = Math.max(lastPosition, e.position);
  }
  await Promise.all([
    loadMilestones().catch((error) =>
      renderMilestones([], `Milestones could not be loaded: ${error.message}`),
    ),
    getAll(`${base}/events?limit=1000`).then((events) => {
      for (const e of events) eventIds.set(e.position, e.eventId);
      renderAudit(events);
      // Recorded by `npm run demo`: said plainly, so nobody mistakes it for a real record.
      $('#demo-tag').hidden = !events.some((e) => e.metadata?.demo === true);
      return loadLogProof();
    }),
    loadVerify(),
  ]);
}

function setLive(state, text) {
  $('#live').dataset.state = state;
  replace($('#live-text'), text);
}

let source;
let refreshTimer;
const incoming = [];

function refreshSoon() {
  clearTimeout(refreshTimer);
  // Events recorded together arrive together: one reload for the lot.
  refreshTimer = setTimeout(() => {
    const fresh = new Set(incoming.splice(0).map((e) => e.position));
    loading = loading
      .then(() => loadAll(fresh))
      .then(() => {
        const added = [...fresh]
          .map((p) => document.getElementById(`event-${p}`)?.textContent)
          .filter(Boolean);
        if (added.length) replace($('#announcer'), `New: ${added.join('; ')}`);
        setLive('live', `Live · updated ${new Date().toLocaleTimeString('en-GB')}`);
      })
      .catch((error) => showNotice($('#notice'), `Could not refresh: ${error.message}`));
  }, 120);
}

function connectLive() {
  source?.close();
  const params = new URLSearchParams({ agreement: id, lastEventId: String(lastPosition) });
  const key = currentKey();
  if (key) params.set('access_token', key);
  source = new EventSource(`/api/events/live?${params}`);
  source.addEventListener('open', () =>
    setLive(
      'live',
      ['withdrawn', 'terminated'].includes(current?.status)
        ? 'This agreement has ended: corrections still appear here as they are recorded'
        : 'Live: new events appear as they are recorded',
    ),
  );
  source.addEventListener('message', (message) => {
    const event = JSON.parse(message.data);
    if (known.has(event.position)) return;
    known.add(event.position);
    incoming.push(event);
    refreshSoon();
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      // Refused outright (e.g. the key was revoked): try again later from where we are.
      setLive('off', 'Live updates paused; retrying shortly');
      setTimeout(connectLive, 10_000);
    } else {
      setLive('reconnecting', 'Reconnecting to live updates…');
    }
  });
}

// ---------- tabs ----------

function selectTab(tab, { focus = false } = {}) {
  for (const t of document.querySelectorAll('[role="tab"]')) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  const name = tab.id.replace('tab-', '');
  history.replaceState(history.state, '', name === 'timeline' ? location.pathname : `#${name}`);
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => selectTab(tab));
    tab.addEventListener('keydown', (event) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length], { focus: true });
    });
  });
  const fromAddress = () => {
    const tab = document.getElementById(`tab-${location.hash.slice(1)}`);
    if (tab) selectTab(tab);
  };
  fromAddress();
  window.addEventListener('hashchange', fromAddress);
}

// ---------- start ----------

startSession();
setUpTabs();
$('#print').addEventListener('click', () => window.print());
$('#download-csv').addEventListener('click', () =>
  download(
    `${id}-events.csv`,
    csvOf(
      ['Occurred', 'Event', 'Summary', 'Recorded by', 'Retracted'],
      shownEntries.map((e) => [
        e.occurredOn,
        eventLabel(e.type),
        e.summary,
        e.actor ?? '',
        e.retracted ? (e.retractionReason ?? 'yes') : '',
      ]),
    ),
  ),
);
$('#audit-report-link').href = `/agreements/${encodeURIComponent(id)}/audit-report`;
$('#record-event').addEventListener('click', () =>
  openRecordForm(current, { onRecorded: recorded }).catch((error) =>
    showNotice($('#notice'), `The form could not be opened: ${error.message}`),
  ),
);
loading = loadAll()
  .then(connectLive)
  .catch((error) => {
    if (error instanceof ApiError && error.status === 404) {
      replace(
        $('#content'),
        h('h1', {}, 'No such agreement'),
        h('p', {}, `Nothing is recorded under the id “${id}”. `, h('a', { href: '/' }, 'Back to the list')),
      );
      document.title = 'Not found · Treaty Ledger';
      return;
    }
    showNotice(
      $('#notice'),
      error instanceof ApiError && error.status === 401
        ? 'Sign in to see this agreement.'
        : `This agreement could not be loaded: ${error.message}`,
      error instanceof ApiError && error.status === 401 ? 'info' : 'error',
    );
    setLive('off', 'Live updates off');
  });
