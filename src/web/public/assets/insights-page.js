import { acceptedProvisions, getJson } from './api.js';
import { $, h, replace, s } from './dom.js';
import { words } from './format.js';
import { startSession } from './session.js';
import { showNotice } from './widgets.js';

/**
 * Agreements signed, or in force, per year (GET /api/stats/agreements), stacked by source or by
 * provision: an SVG drawn here (nothing from another origin), each year reachable from the keyboard
 * with its numbers as its label, and a table of the same numbers.
 */

const COLORS = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#9333ea',
  '#ea580c',
  '#0d9488',
  '#4f46e5',
  '#be123c',
  '#854d0e',
  '#475569',
  '#a21caf',
];
const SOURCES = [
  { key: 'atop', label: 'ATOP (alliances)' },
  { key: 'dcad', label: 'DCAD (defense cooperation)' },
];
const form = $('#controls');
let provisions = [];

function params() {
  const out = {};
  for (const name of ['measure', 'stack', 'party', 'provision']) {
    const value = form.elements[name].value.trim();
    if (value) out[name] = name === 'party' ? value.toUpperCase() : value;
  }
  return out;
}

const statsOf = (query) =>
  getJson(`/api/stats/agreements?${new URLSearchParams({ groupBy: 'year', ...query })}`);

/** The series to stack, each with its per-year counts. */
async function seriesFor({ measure = 'signed', stack, party, provision }) {
  const base = { measure, ...(party ? { party } : {}), ...(provision ? { provision } : {}) };
  if (stack === 'source') {
    const [all, ...bySource] = await Promise.all([
      statsOf(base),
      ...SOURCES.map((src) => statsOf({ ...base, source: src.key })),
    ]);
    const series = SOURCES.map((src, i) => ({ ...src, items: bySource[i].items }));
    const imported = new Map();
    for (const s$ of series)
      for (const r of s$.items) imported.set(r.year, (imported.get(r.year) ?? 0) + r.count);
    const other = all.items.map((r) => ({
      year: r.year,
      count: Math.max(0, r.count - (imported.get(r.year) ?? 0)),
    }));
    series.push({ key: 'other', label: 'Recorded here', items: other });
    return series.filter((s$) => s$.items.some((r) => r.count > 0));
  }
  if (stack === 'provision') {
    const chosen = provision ? [provision] : provisions;
    const results = await Promise.all(chosen.map((p) => statsOf({ ...base, provision: p })));
    return chosen
      .map((p, i) => ({ key: p, label: words(p), items: results[i].items }))
      .filter((s$) => s$.items.some((r) => r.count > 0));
  }
  return [{ key: 'all', label: 'Agreements', items: (await statsOf(base)).items }];
}

function yearsOf(series) {
  const years = new Set();
  for (const s$ of series) for (const r of s$.items) years.add(r.year);
  if (years.size === 0) return [];
  const sorted = [...years].sort((a, b) => a - b);
  const all = [];
  for (let y = sorted[0]; y <= sorted[sorted.length - 1]; y++) all.push(y);
  return all;
}

function draw(series, measureLabel) {
  const years = yearsOf(series);
  const count = (s$, year) => s$.items.find((r) => r.year === year)?.count ?? 0;
  const totals = years.map((y) => series.reduce((n, s$) => n + count(s$, y), 0));
  const max = Math.max(1, ...totals);
  const width = 960;
  const height = 320;
  const left = 44;
  const bottom = 28;
  const plotW = width - left - 8;
  const plotH = height - bottom - 12;
  const barW = years.length ? plotW / years.length : plotW;
  const y = (v) => 12 + plotH - (v / max) * plotH;
  const ticks = [0, Math.round(max / 2), max];
  const labelEvery = Math.max(1, Math.ceil(years.length / 12));
  const peak = years[totals.indexOf(Math.max(...totals))];
  const description = years.length
    ? `${measureLabel} from ${years[0]} to ${years[years.length - 1]}; the most, ${Math.max(...totals)}, in ${peak}.`
    : 'Nothing to draw for these filters.';
  const svg = s(
    'svg',
    {
      class: 'chart-svg bars',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': 'bars-title bars-desc',
      preserveAspectRatio: 'none',
    },
    s('title', { id: 'bars-title' }, measureLabel),
    s('desc', { id: 'bars-desc' }, description),
    ticks.map((t) => [
      s('line', { class: 'grid', x1: left, x2: width - 8, y1: y(t), y2: y(t) }),
      s('text', { class: 'tick-label', x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)),
    ]),
    years.map((year, i) => {
      let base = 0;
      const parts = series.map((s$, k) => {
        const v = count(s$, year);
        const rect = s('rect', {
          x: left + i * barW + 0.5,
          width: Math.max(1, barW - 1),
          y: y(base + v),
          height: Math.max(0, y(base) - y(base + v)),
          fill: COLORS[k % COLORS.length],
        });
        base += v;
        return rect;
      });
      const detail =
        series.length > 1 ? ` (${series.map((s$) => `${s$.label} ${count(s$, year)}`).join(', ')})` : '';
      const label = `${year}: ${totals[i]}${detail}`;
      return s(
        'g',
        {
          class: 'year',
          tabindex: 0,
          role: 'img',
          'aria-label': label,
          dataset: { year: String(year), total: String(totals[i]) },
        },
        s('title', {}, label),
        s('rect', {
          class: 'hit',
          x: left + i * barW,
          width: barW,
          y: 12,
          height: plotH,
          fill: 'transparent',
        }),
        parts,
        i % labelEvery === 0
          ? s(
              'text',
              { class: 'tick-label', x: left + i * barW + barW / 2, y: height - 8, 'text-anchor': 'middle' },
              String(year),
            )
          : null,
      );
    }),
  );
  replace($('#chart'), svg);
  const stacked = series.some((s$) => s$.key !== 'all');
  replace(
    $('#legend'),
    stacked
      ? series.map((s$, k) =>
          h(
            'li',
            {},
            h('span', { class: 'swatch', style: `background:${COLORS[k % COLORS.length]}` }),
            s$.label,
          ),
        )
      : [],
  );
  replace(
    $('#numbers thead'),
    h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Year'),
      series.length > 1 ? series.map((s$) => h('th', { scope: 'col' }, s$.label)) : null,
      h('th', { scope: 'col' }, 'Total'),
    ),
  );
  replace(
    $('#numbers tbody'),
    years.map((year, i) =>
      h(
        'tr',
        { dataset: { year: String(year) } },
        h('th', { scope: 'row' }, String(year)),
        series.length > 1 ? series.map((s$) => h('td', { class: 'num' }, String(count(s$, year)))) : null,
        h('td', { class: 'num total' }, String(totals[i])),
      ),
    ),
  );
  replace($('#summary'), description);
}

async function render() {
  const chosen = params();
  const query = new URLSearchParams(chosen).toString();
  history.replaceState(null, '', query ? `/insights?${query}` : '/insights');
  const measureLabel = `Agreements ${chosen.measure === 'in_force' ? 'in force' : 'signed'} per year${chosen.party ? ` with ${chosen.party}` : ''}${chosen.provision ? `, ${words(chosen.provision)}` : ''}`;
  replace($('#chart-heading'), measureLabel);
  replace(
    $('#chart-note'),
    chosen.stack === 'provision' ? 'An agreement with several provisions counts once in each of them.' : '',
  );
  $('#chart').setAttribute('aria-busy', 'true');
  try {
    draw(await seriesFor(chosen), measureLabel);
    showNotice($('#notice'), undefined);
  } catch (error) {
    showNotice($('#notice'), `The numbers could not be loaded: ${error.message}`);
  } finally {
    $('#chart').removeAttribute('aria-busy');
  }
}

startSession();
const address = new URLSearchParams(location.search);
acceptedProvisions()
  .then((list) => {
    provisions = list;
    for (const p of list) $('#c-provision').append(h('option', { value: p }, words(p)));
  })
  .catch(() => undefined)
  .then(() => {
    for (const name of ['measure', 'stack', 'party', 'provision']) {
      if (address.get(name)) form.elements[name].value = address.get(name);
    }
    return render();
  });
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void render();
});
for (const name of ['measure', 'stack', 'provision'])
  form.elements[name].addEventListener('change', () => void render());
