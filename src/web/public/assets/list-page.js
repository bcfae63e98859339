import { acceptedProvisions, ApiError, currentSession, getJson, loadStateNames } from './api.js';
import { openProposeForm } from './agreement-recording.js';
import { csvOf, download, fileNameOf } from './csv-download.js';
import { $, h, replace } from './dom.js';
import { formatDate, plural, STATUS_LABELS, words } from './format.js';
import { partyChips, showNotice, statusBadge } from './widgets.js';
import { startSession } from './session.js';

/** The agreements list: filters live in the address (?party=USA&status=in_force), so a filtered list can be shared. */

const FILTERS = ['q', 'party', 'status', 'provision', 'activeOn', 'source'];
const PAGE_SIZE = 50;

const form = $('#filters');
const rows = $('#agreements tbody');
const more = $('#more');
let nextCursor;
let loading;
/** The agreements shown, in the order shown: what the CSV holds and the sort orders. */
let shown = [];
let sortBy;

async function fillSelects() {
  const status = $('#f-status');
  for (const [value, label] of Object.entries(STATUS_LABELS)) status.append(h('option', { value }, label));
  const provision = $('#f-provision');
  for (const value of await acceptedProvisions()) provision.append(h('option', { value }, words(value)));
}

function filtersFromAddress() {
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) form.elements[name].value = params.get(name) ?? '';
}

function currentFilters() {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, name === 'party' ? value.toUpperCase() : value);
  }
  return params;
}

function row(a) {
  return h(
    'tr',
    { dataset: { id: a.id } },
    h(
      'td',
      { 'data-label': 'Agreement' },
      h('a', { class: 'title-link', href: `/agreements/${encodeURIComponent(a.id)}` }, a.title),
      h('span', { class: 'muted id' }, a.id),
    ),
    h('td', { 'data-label': 'Parties' }, partyChips(a.parties, { max: 6 })),
    h('td', { 'data-label': 'Status' }, statusBadge(a.status)),
    h(
      'td',
      { 'data-label': 'Signed' },
      a.signedOn ? h('time', { datetime: a.signedOn }, formatDate(a.signedOn)) : '—',
    ),
    h(
      'td',
      { 'data-label': 'Last event' },
      h('time', { datetime: a.lastEventOn }, formatDate(a.lastEventOn)),
    ),
  );
}

function emptyState(filtered) {
  const empty = $('#empty');
  empty.hidden = false;
  if (filtered) {
    replace(empty, h('p', {}, 'No agreement matches these filters.'));
    return;
  }
  replace(
    empty,
    h('h2', {}, 'No agreements yet'),
    h(
      'p',
      {},
      'Load a few well-known ones (USA–Japan 1960, USA–Korea 1953, AUKUS 2021, NATO 1949) with ',
      h('code', {}, 'npm run demo'),
      ', or record your own through the API: ',
      h('a', { href: '/docs' }, 'API documentation'),
      '.',
    ),
  );
}

async function load({ append = false } = {}) {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  const params = currentFilters();
  params.set('limit', String(PAGE_SIZE));
  if (append && nextCursor) params.set('cursor', nextCursor);
  showNotice($('#notice'), undefined);
  $('#agreements').setAttribute('aria-busy', 'true');
  try {
    const [page] = await Promise.all([
      getJson(`/api/agreements?${params}`, { signal: controller.signal }),
      loadStateNames(),
    ]);
    if (!append) shown = [];
    shown.push(...page.items);
    renderRows();
    nextCursor = page.nextCursor;
    more.hidden = !nextCursor;
    const total = page.total ?? rows.children.length;
    const filtered = FILTERS.some((name) => params.has(name));
    replace($('#count'), filtered ? `${plural(total, 'agreement')} match` : plural(total, 'agreement'));
    $('#agreements').hidden = rows.children.length === 0;
    $('#empty').hidden = true;
    if (rows.children.length === 0) emptyState(filtered);
  } catch (error) {
    if (error.name === 'AbortError') return;
    $('#agreements').hidden = true;
    if (error instanceof ApiError && error.status === 401) {
      showNotice($('#notice'), 'Sign in to see the agreements.', 'info');
      return;
    }
    const fieldErrors = error instanceof ApiError ? error.problem?.errors : undefined;
    showNotice(
      $('#notice'),
      fieldErrors?.length
        ? fieldErrors.map((e) => `${words(e.field)} ${e.message}.`).join(' ')
        : `The agreements could not be loaded: ${error.message}`,
    );
  } finally {
    $('#agreements').removeAttribute('aria-busy');
  }
}

const SORT_VALUES = {
  title: (a) => a.title.toLowerCase(),
  parties: (a) => a.parties.join(' '),
  status: (a) => a.status,
  signedOn: (a) => a.signedOn ?? '',
  lastEventOn: (a) => a.lastEventOn ?? '',
};

function renderRows() {
  const list = [...shown];
  if (sortBy) {
    const value = SORT_VALUES[sortBy.key];
    list.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) * sortBy.direction);
  }
  rows.replaceChildren(...list.map(row));
  for (const th of document.querySelectorAll('#agreements th[data-sort]')) {
    const active = sortBy?.key === th.dataset.sort;
    if (active) th.setAttribute('aria-sort', sortBy.direction > 0 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
}

/** The rows as shown (sorted as shown), every page of the filter loaded first. */
async function downloadCsv() {
  while (nextCursor) await load({ append: true });
  const order = [...rows.children].map((tr) => tr.dataset.id);
  const byId = new Map(shown.map((a) => [a.id, a]));
  const data = order.map((id) => byId.get(id)).filter(Boolean);
  const header = ['Agreement', 'Id', 'Parties', 'Status', 'Signed', 'Last event'];
  const cells = data.map((a) => [
    a.title,
    a.id,
    a.parties.join(' '),
    a.status,
    a.signedOn ?? '',
    a.lastEventOn ?? '',
  ]);
  download(fileNameOf('agreements', currentFilters()), csvOf(header, cells));
}

function apply() {
  const params = currentFilters();
  const query = params.toString();
  history.replaceState(null, '', query ? `/?${query}` : '/');
  nextCursor = undefined;
  void load();
}

startSession();
// The provisions come from the API's own document; the address's filter is set once they are there.
const selectsFilled = fillSelects()
  .catch((error) => showNotice($('#notice'), `The provision filter could not be filled: ${error.message}`))
  .then(filtersFromAddress);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  apply();
});
// Choosing from a list is a decision already: apply it without a second click.
for (const name of ['status', 'provision']) form.elements[name].addEventListener('change', apply);
form.elements.party.addEventListener('input', (event) => {
  const input = event.target;
  const start = input.selectionStart;
  input.value = input.value.toUpperCase();
  input.setSelectionRange(start, start);
});
form.addEventListener('reset', () => setTimeout(apply));
more.addEventListener('click', () => load({ append: true }));
$('#download-csv').addEventListener('click', () =>
  downloadCsv().catch((error) => showNotice($('#notice'), `The CSV could not be made: ${error.message}`)),
);
$('#print').addEventListener('click', () => window.print());
for (const th of document.querySelectorAll('#agreements th[data-sort]')) {
  th.querySelector('button').addEventListener('click', () => {
    const key = th.dataset.sort;
    sortBy = { key, direction: sortBy?.key === key ? -sortBy.direction : 1 };
    renderRows();
  });
}
void currentSession().then((session) => {
  const button = $('#propose');
  button.hidden = !(session && (session.role === 'admin' || session.role === 'recorder'));
  button.addEventListener('click', () =>
    openProposeForm(session).catch((error) =>
      showNotice($('#notice'), `The form could not be opened: ${error.message}`),
    ),
  );
});
window.addEventListener('popstate', () => {
  filtersFromAddress();
  void load();
});
void selectsFilled.then(() => load());
