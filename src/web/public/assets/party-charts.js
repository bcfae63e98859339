import { getAll } from './api.js';
import { $, h, replace, s } from './dom.js';
import { formatDate, partyName, plural, todayIso, words } from './format.js';

/**
 * The party page's pictures, drawn as SVG by the page: its partner network on a chosen date (the
 * agreements in force that day, GET /api/agreements?party=…&activeOn=…) and a lifeline of its
 * agreements from signature to end. Each has a text alternative (a list, and each mark's label).
 */

const PROVISION_COLORS = {
  mutual_defense: '#dc2626',
  consultation: '#2563eb',
  intelligence_sharing: '#7c3aed',
  joint_exercises: '#16a34a',
  technology_transfer: '#0891b2',
  arms_transfer: '#b45309',
  logistics_support: '#65a30d',
  basing_access: '#db2777',
  capability_building: '#0d9488',
  non_aggression: '#475569',
  neutrality: '#94a3b8',
  offensive_support: '#991b1b',
  defense_cooperation: '#4f46e5',
  defense_industry: '#854d0e',
  research_and_development: '#a21caf',
  defense_commission: '#ea580c',
};
const colorOf = (provision) => PROVISION_COLORS[provision] ?? '#64748b';

/** Partners of the agreements in force: each with how many it shares and their commonest provision. */
function partnersIn(code, agreements) {
  const byPartner = new Map();
  for (const a of agreements) {
    for (const p of a.parties) {
      if (p === code) continue;
      const entry = byPartner.get(p) ?? { party: p, agreements: [], provisions: new Map() };
      entry.agreements.push(a);
      for (const prov of a.provisions ?? [])
        entry.provisions.set(prov, (entry.provisions.get(prov) ?? 0) + 1);
      byPartner.set(p, entry);
    }
  }
  return [...byPartner.values()]
    .map((e) => ({
      party: e.party,
      count: e.agreements.length,
      provision: [...e.provisions].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]?.[0],
    }))
    .sort((a, b) => b.count - a.count || a.party.localeCompare(b.party));
}

function drawNetwork(code, partners, date) {
  const size = 420;
  const c = size / 2;
  const ring = partners.length > 1 ? c - 48 : 110;
  const max = Math.max(1, ...partners.map((p) => p.count));
  const radius = (n) => 8 + 16 * Math.sqrt(n / max);
  const place = (i) => {
    const angle = (2 * Math.PI * i) / Math.max(1, partners.length) - Math.PI / 2;
    return [c + ring * Math.cos(angle), c + ring * Math.sin(angle)];
  };
  return s(
    'svg',
    {
      class: 'network-svg',
      viewBox: `0 0 ${size} ${size}`,
      role: 'group',
      'aria-label': `${partyName(code) ?? code}'s partners on ${formatDate(date)}: ${plural(partners.length, 'partner')}`,
    },
    partners.map((p, i) => {
      const [x, y] = place(i);
      return s('line', {
        class: 'edge',
        x1: c,
        y1: c,
        x2: x,
        y2: y,
        stroke: colorOf(p.provision),
        'stroke-width': 1 + p.count,
      });
    }),
    s('circle', { class: 'centre', cx: c, cy: c, r: 24 }),
    s('text', { class: 'node-label centre-label', x: c, y: c + 4, 'text-anchor': 'middle' }, code),
    partners.map((p, i) => {
      const [x, y] = place(i);
      const label = `${partyName(p.party) ?? p.party} (${p.party}): ${plural(p.count, 'agreement')} in force${p.provision ? `, mostly ${words(p.provision)}` : ''}`;
      return s(
        'a',
        {
          href: `/parties/${encodeURIComponent(p.party)}`,
          class: 'node',
          'aria-label': label,
          dataset: { party: p.party, count: String(p.count) },
        },
        s('title', {}, label),
        s('circle', { cx: x, cy: y, r: radius(p.count), fill: colorOf(p.provision) }),
        s('text', { class: 'node-label', x, y: y + radius(p.count) + 12, 'text-anchor': 'middle' }, p.party),
      );
    }),
  );
}

/** The network section: a date (a year slider and the exact day), the picture, and the same as a list. */
export function setUpNetwork(code, firstYear) {
  const slider = $('#network-year');
  const day = $('#network-date');
  const thisYear = Number(todayIso().slice(0, 4));
  slider.min = String(Math.min(firstYear, thisYear));
  slider.max = String(thisYear);
  const fromAddress = new URLSearchParams(location.search).get('on');
  day.value = fromAddress && /^\d{4}-\d{2}-\d{2}$/.test(fromAddress) ? fromAddress : todayIso();
  slider.value = day.value.slice(0, 4);
  let timer;
  let controller;
  const show = async () => {
    controller?.abort();
    controller = new AbortController();
    const date = day.value;
    const query = new URLSearchParams({ party: code, activeOn: date, limit: '1000' });
    try {
      const agreements = await getAll(`/api/agreements?${query}`, { signal: controller.signal });
      const partners = partnersIn(code, agreements);
      replace($('#network'), drawNetwork(code, partners, date));
      replace(
        $('#network-list'),
        partners.map((p) =>
          h(
            'li',
            { dataset: { party: p.party } },
            `${partyName(p.party) ?? p.party} (${p.party}): ${plural(p.count, 'agreement')}`,
          ),
        ),
      );
      replace(
        $('#network-summary'),
        `On ${formatDate(date)}: ${plural(agreements.length, 'agreement')} in force with ${plural(partners.length, 'partner')}.`,
      );
      const url = new URL(location.href);
      url.searchParams.set('on', date);
      history.replaceState(null, '', url);
    } catch (error) {
      if (error.name !== 'AbortError')
        replace($('#network-summary'), `The network could not be drawn: ${error.message}`);
    }
  };
  slider.addEventListener('input', () => {
    day.value = `${slider.value}${day.value.slice(4)}`;
    clearTimeout(timer);
    timer = setTimeout(show, 150);
  });
  day.addEventListener('change', () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.value)) return;
    slider.value = day.value.slice(0, 4);
    void show();
  });
  return show();
}

/** A date's period: [first day, last day] of 1996, 1996-03 or 1996-03-19. */
function period(date) {
  if (/^\d{4}$/.test(date)) return [`${date}-01-01`, `${date}-12-31`];
  if (/^\d{4}-\d{2}$/.test(date)) {
    const [y, m] = date.split('-').map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return [`${date}-01`, `${date}-${String(last).padStart(2, '0')}`];
  }
  return [date, date];
}
const dayOf = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** One bar per agreement from signature to end (or today); entry into force marked; imprecise ends fuzzy. */
export function drawLifeline(agreements) {
  const rows = agreements.filter((a) => a.signedOn).sort((a, b) => (a.signedOn < b.signedOn ? -1 : 1));
  if (rows.length === 0) {
    replace($('#lifeline'), h('p', { class: 'empty' }, 'No signed agreement to draw.'));
    return;
  }
  const today = todayIso();
  const start = dayOf(period(rows[0].signedOn)[0]);
  const end = dayOf(today);
  const width = 960;
  const left = 8;
  const rowH = 14;
  const x = (d) => left + ((d - start) / Math.max(1, end - start)) * (width - 2 * left);
  const height = rows.length * rowH + 24;
  const firstYear = Number(rows[0].signedOn.slice(0, 4));
  const lastYear = Number(today.slice(0, 4));
  const step = Math.max(1, Math.ceil((lastYear - firstYear) / 8));
  const ticks = [];
  for (let y = firstYear; y <= lastYear; y += step) ticks.push(y);
  replace(
    $('#lifeline'),
    s(
      'svg',
      {
        class: 'lifeline-svg',
        viewBox: `0 0 ${width} ${height}`,
        role: 'group',
        'aria-label': `Lifelines of ${plural(rows.length, 'agreement')}`,
        preserveAspectRatio: 'none',
      },
      s(
        'defs',
        {},
        s(
          'linearGradient',
          { id: 'fuzzy-start' },
          s('stop', { offset: '0%', 'stop-opacity': 0, 'stop-color': '#2563eb' }),
          s('stop', { offset: '100%', 'stop-opacity': 0.8, 'stop-color': '#2563eb' }),
        ),
        s(
          'linearGradient',
          { id: 'fuzzy-end' },
          s('stop', { offset: '0%', 'stop-opacity': 0.8, 'stop-color': '#2563eb' }),
          s('stop', { offset: '100%', 'stop-opacity': 0, 'stop-color': '#2563eb' }),
        ),
      ),
      ticks.map((y) => [
        s('line', {
          class: 'grid',
          x1: x(dayOf(`${y}-01-01`)),
          x2: x(dayOf(`${y}-01-01`)),
          y1: 0,
          y2: height - 18,
        }),
        s(
          'text',
          { class: 'tick-label', x: x(dayOf(`${y}-01-01`)), y: height - 4, 'text-anchor': 'middle' },
          String(y),
        ),
      ]),
      rows.map((a, i) => {
        const [signFrom, signTo] = period(a.signedOn).map(dayOf);
        const [endFrom, endTo] = a.endedOn ? period(a.endedOn).map(dayOf) : [end, end];
        const top = i * rowH + 2;
        const label = `${a.title}: signed ${formatDate(a.signedOn)}${a.inForceOn ? `, in force ${formatDate(a.inForceOn)}` : ''}${a.endedOn ? `, ended ${formatDate(a.endedOn)}` : ', still standing'}`;
        return s(
          'a',
          {
            href: `/agreements/${encodeURIComponent(a.id)}`,
            class: 'life',
            'aria-label': label,
            dataset: { id: a.id },
          },
          s('title', {}, label),
          signTo > signFrom
            ? s('rect', {
                class: 'fuzzy',
                x: x(signFrom),
                y: top,
                width: Math.max(1, x(signTo) - x(signFrom)),
                height: rowH - 4,
                fill: 'url(#fuzzy-start)',
              })
            : null,
          s('rect', {
            class: 'bar',
            x: x(signTo),
            y: top,
            width: Math.max(1, x(endFrom) - x(signTo)),
            height: rowH - 4,
          }),
          endTo > endFrom
            ? s('rect', {
                class: 'fuzzy',
                x: x(endFrom),
                y: top,
                width: Math.max(1, x(endTo) - x(endFrom)),
                height: rowH - 4,
                fill: 'url(#fuzzy-end)',
              })
            : null,
          a.inForceOn
            ? s('rect', {
                class: 'in-force',
                x: x(dayOf(period(a.inForceOn)[0])) - 1,
                y: top - 1,
                width: 3,
                height: rowH - 2,
              })
            : null,
        );
      }),
    ),
  );
}
