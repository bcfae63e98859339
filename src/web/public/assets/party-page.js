import { ApiError, getAll, getOptional, loadStateNames } from './api.js';
import { csvOf, download } from './csv-download.js';
import { drawLifeline, setUpNetwork } from './party-charts.js';
import { $, h, replace } from './dom.js';
import { formatDate, partyName, plural, STATUS_LABELS, words } from './format.js';
import { startSession } from './session.js';
import { milestoneBadge, partyChips, partyLink, showNotice, statusBadge } from './widgets.js';

/** A party: its partners, its agreements by status, what it owes and what it has contributed. */

const code = decodeURIComponent(location.pathname.split('/')[2] ?? '').toUpperCase();
const ORDER = ['in_force', 'signed', 'suspended', 'proposed', 'withdrawn', 'terminated'];

/** Partners counted from the agreements, for servers without the party portfolio endpoint. */
function partnersOf(agreements) {
  const counts = new Map();
  for (const a of agreements) {
    for (const p of a.parties) if (p !== code) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return [...counts].map(([party, sharedAgreements]) => ({ party, sharedAgreements }));
}

function renderPartners(partners) {
  const sorted = [...partners].sort(
    (a, b) => b.sharedAgreements - a.sharedAgreements || a.party.localeCompare(b.party),
  );
  replace(
    $('#partners'),
    sorted.length
      ? sorted.map((p) =>
          h(
            'li',
            {},
            partyLink(p.party),
            h(
              'span',
              { class: 'muted' },
              ` ${partyName(p.party) ?? ''} · ${plural(p.sharedAgreements, 'agreement')}`,
              p.jointExercises ? ` · ${plural(p.jointExercises, 'joint exercise')}` : '',
            ),
          ),
        )
      : h('li', { class: 'muted' }, 'No partners recorded.'),
  );
}

function renderGroups(agreements) {
  const groups = ORDER.map((status) => [status, agreements.filter((a) => a.status === status)]).filter(
    ([, list]) => list.length,
  );
  replace(
    $('#groups'),
    groups.length
      ? groups.map(([status, list]) =>
          h(
            'section',
            { class: 'group', 'aria-label': STATUS_LABELS[status] },
            h('h3', {}, statusBadge(status), ` ${plural(list.length, 'agreement')}`),
            h(
              'ul',
              { class: 'agreement-cards' },
              list.map((a) =>
                h(
                  'li',
                  { class: 'agreement-card' },
                  h('a', { class: 'title-link', href: `/agreements/${encodeURIComponent(a.id)}` }, a.title),
                  h('div', {}, partyChips(a.parties, { max: 8 })),
                  h(
                    'div',
                    { class: 'muted small' },
                    a.signedOn ? `Signed ${formatDate(a.signedOn)} · ` : '',
                    `last event ${formatDate(a.lastEventOn)}`,
                    a.withdrewOn ? ` · ${code} withdrew ${formatDate(a.withdrewOn)}` : '',
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, `No agreement names ${code} as a party.`),
  );
}

function renderMilestones(items) {
  const owed = items.filter((m) => ['open', 'due_soon', 'overdue'].includes(m.status));
  $('#milestones-section').hidden = owed.length === 0;
  replace(
    $('#milestones tbody'),
    owed.map((m) =>
      h(
        'tr',
        { class: `row-${m.status}` },
        h('td', {}, m.description),
        h('td', {}, h('a', { href: `/agreements/${encodeURIComponent(m.agreementId)}` }, m.agreementId)),
        h('td', {}, formatDate(m.dueOn)),
        h('td', {}, milestoneBadge(m.status)),
      ),
    ),
  );
}

function renderContributions(totals) {
  $('#contributions-section').hidden = !totals?.length;
  replace(
    $('#contributions'),
    (totals ?? []).map((t) =>
      h('li', {}, `${words(t.category)}: ${Number(t.amount).toLocaleString('en-GB')} ${t.unit}`),
    ),
  );
}

async function load() {
  await loadStateNames();
  const name = partyName(code);
  document.title = `${name ?? code} · Treaty Ledger`;
  replace($('#title'), name ?? code, name ? h('span', { class: 'code' }, ` ${code}`) : '');
  replace($('#crumb'), name ?? code);
  const [portfolio, listed, milestones] = await Promise.all([
    getOptional(`/api/parties/${encodeURIComponent(code)}`),
    getAll(`/api/agreements?party=${encodeURIComponent(code)}&limit=1000`),
    getOptional(`/api/milestones?owner=${encodeURIComponent(code)}&limit=1000`),
  ]);
  // The portfolio also knows agreements the party has left; the list only current ones.
  const grouped = portfolio?.agreements?.byStatus;
  const agreements = grouped ? Object.values(grouped).flat() : listed;
  const partners = Array.isArray(portfolio?.partners) ? portfolio.partners : partnersOf(agreements);
  replace($('#summary'), `${plural(agreements.length, 'agreement')} · ${plural(partners.length, 'partner')}`);
  renderPartners(partners);
  renderGroups(agreements);
  renderMilestones(Array.isArray(milestones) ? milestones : (milestones?.items ?? []));
  renderContributions(portfolio?.contributions);
  drawLifeline(agreements);
  // The agreements as the groups show them: by status in the page's order.
  $('#download-csv').onclick = () => {
    const shown = ORDER.flatMap((status) => agreements.filter((a) => a.status === status));
    download(
      `party-${code}-agreements.csv`,
      csvOf(
        ['Agreement', 'Id', 'Status', 'Parties', 'Signed', 'Last event', `${code} withdrew`],
        shown.map((a) => [
          a.title,
          a.id,
          a.status,
          a.parties.join(' '),
          a.signedOn ?? '',
          a.lastEventOn ?? '',
          a.withdrewOn ?? '',
        ]),
      ),
    );
  };
  const signedYears = agreements.filter((a) => a.signedOn).map((a) => Number(a.signedOn.slice(0, 4)));
  await setUpNetwork(code, signedYears.length ? Math.min(...signedYears) : 1945);
}

startSession();
$('#print').addEventListener('click', () => window.print());
if (!/^(?:[A-Z]{3}|COW-[A-Z0-9]{2,8})$/.test(code)) {
  replace(
    $('#content'),
    h('h1', {}, 'Not a party code'),
    h(
      'p',
      {},
      `“${code}” is not a party code such as USA or COW-BAV. `,
      h('a', { href: '/' }, 'Back to the list'),
    ),
  );
} else {
  load().catch((error) => {
    showNotice(
      $('#notice'),
      error instanceof ApiError ? `Could not load ${code}: ${error.message}` : String(error),
    );
  });
}
