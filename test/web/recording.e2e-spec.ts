import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { recordDemo } from '../../scripts/record-demo.js';
import { API_KEY_STORE, type ApiKeyStore } from '../../src/auth/api-key.js';
import { EVENT_STORE } from '../../src/event-store/event-store.port.js';
import { startApp, type RunningApp } from '../support/app.js';
import { api } from '../support/http.js';

/**
 * Recording from the pages (issue 19, part 1) in real Chromium, on a desktop and at 375 px: a recorder
 * signs in from a first-start kind of link, records an ExerciseHeld through the form drawn from
 * GET /api/event-types and sees it on the timeline without a reload; a stale form gets the 412 and
 * keeps its input; a field error shows beside its field; a viewer sees no Record button; a retraction
 * leaves the status and stays in the audit tab.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const describeInBrowser = haveChromium || inCi ? describe : describe.skip;
const NAVIGATIONS = "performance.getEntriesByType('navigation').length";
const SIDEWAYS = 'document.documentElement.scrollWidth - window.innerWidth';
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

describeInBrowser('recording from the pages, in Chromium', () => {
  let app: RunningApp;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let recorderKey: string;
  let viewerKey: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startApp();
    await recordDemo(app.app.get(CommandBus), app.app.get(EVENT_STORE));
    const keys = app.app.get<ApiKeyStore>(API_KEY_STORE);
    recorderKey = (await keys.create({ name: 'Tokyo desk', role: 'recorder', parties: ['JPN'] })).key;
    viewerKey = (await keys.create({ name: 'Analyst', role: 'viewer', parties: [] })).key;
    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function openForm() {
    await page.locator('#record-event').click();
    await page.locator('dialog.form-dialog #event-type').waitFor();
  }

  async function fillExercise(name: string) {
    await page.locator('#event-type').selectOption({ label: 'Exercise held' });
    const form = page.locator('dialog.form-dialog');
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Occurred on').fill('2024-11-04');
    await form.getByLabel('Started on').fill('2024-11-04');
    await form.getByLabel('Participants').selectOption(['USA', 'JPN']);
  }

  it('a recorder records an ExerciseHeld through the form and sees it on the timeline without a reload', async () => {
    await page.goto(`${app.url}/agreements/usa-jpn-1960#key=${recorderKey}`);
    await page.locator('#events li').first().waitFor();
    await page.locator('#live[data-state="live"]').waitFor();
    const navigations = await page.evaluate<number>(NAVIGATIONS);
    await openForm();
    const offered = await page.locator('#event-type option').allTextContents();
    expect(offered).toContain('Exercise held');
    expect(offered).not.toContain('Signed'); // in force: no more signatures
    await fillExercise('Silent Shark 24');
    await page.screenshot({ path: join(SCREENSHOTS, 'record-form-desktop.png'), fullPage: true });
    await page.locator('dialog.form-dialog button[type="submit"]', { hasText: 'Record' }).click();
    await page.locator('#events li', { hasText: 'Silent Shark 24' }).waitFor({ timeout: 3000 });
    await page.locator('dialog.form-dialog').waitFor({ state: 'detached' });
    expect(await page.evaluate<number>(NAVIGATIONS)).toBe(navigations);
    const stored = (await api(app.url).get('/api/agreements/usa-jpn-1960/events?limit=1000')).body.items;
    expect(stored.at(-1)).toMatchObject({ type: 'ExerciseHeld', actor: 'Tokyo desk' });
  });

  it('shows a field error from the problem beside its field, and keeps the input', async () => {
    await openForm();
    await fillExercise('Orient Shield');
    await page.locator('dialog.form-dialog').getByLabel('Ended on').fill('2024-10-01'); // before it started
    await page.locator('dialog.form-dialog button[type="submit"]').click();
    const error = page.locator('.form-field[data-field="endedOn"] .field-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('must not be before startedOn');
    await expect(
      page.locator('dialog.form-dialog').getByLabel('Name', { exact: true }).inputValue(),
    ).resolves.toBe('Orient Shield');
    await page.locator('dialog.form-dialog button', { hasText: 'Cancel' }).click();
  });

  it('a stale form gets "changed since you opened it", with what changed, and keeps its input', async () => {
    await openForm();
    await fillExercise('Resolute Dragon');
    // Someone else records meanwhile.
    const other = await api(app.url).post('/api/agreements/usa-jpn-1960/events', {
      type: 'ConsultationHeld',
      occurredOn: '2024-11-05',
      data: { level: 'ministerial', topics: ['2+2'] },
    });
    expect(other.status).toBe(201);
    await page.locator('dialog.form-dialog button[type="submit"]').click();
    const message = page.locator('dialog.form-dialog .form-error');
    await message.filter({ hasText: 'changed since you opened it' }).waitFor();
    await expect(message.textContent()).resolves.toContain('Consultation');
    await expect(
      page.locator('dialog.form-dialog').getByLabel('Name', { exact: true }).inputValue(),
    ).resolves.toBe('Resolute Dragon');
    // Checked, and sent again: now on the version it has seen.
    await page.locator('dialog.form-dialog button[type="submit"]').click();
    await page.locator('#events li', { hasText: 'Resolute Dragon' }).waitFor({ timeout: 3000 });
  });

  it('a retraction through the page leaves the status and stays in the audit tab', async () => {
    const item = page.locator('#events li', { hasText: 'Silent Shark 24' });
    await item.locator('button', { hasText: 'Retract…' }).click();
    const form = page.locator('dialog.form-dialog');
    await form.locator('button[type="submit"]').click();
    await form.locator('.form-field[data-field="reason"] .field-error').waitFor(); // a reason is required
    await form.getByLabel('Reason').fill('Entered on the wrong agreement');
    await form.locator('button[type="submit"]').click();
    await page.locator('#events li.is-retracted', { hasText: 'Silent Shark 24' }).waitFor({ timeout: 3000 });
    const status = (await api(app.url).get('/api/agreements/usa-jpn-1960')).body;
    expect(JSON.stringify(status)).not.toContain('Silent Shark 24');
    await page.locator('#tab-audit').click();
    await expect(page.locator('#audit tbody').textContent()).resolves.toContain('Exercise');
    const stored = (await api(app.url).get('/api/agreements/usa-jpn-1960/events?limit=1000')).body.items;
    expect(stored.some((e: any) => e.type === 'ExerciseHeld' && e.data.name === 'Silent Shark 24')).toBe(
      true,
    );
    expect(stored.at(-1)).toMatchObject({
      type: 'EventRetracted',
      data: { reason: 'Entered on the wrong agreement' },
    });
  });

  it('works at 375 px without scrolling sideways', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${app.url}/agreements/usa-jpn-1960`);
    await page.locator('#events li').first().waitFor();
    await openForm();
    await fillExercise('Narrow screen');
    expect(await page.evaluate<number>(SIDEWAYS)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'record-form-375.png'), fullPage: true });
    await page.locator('dialog.form-dialog button', { hasText: 'Cancel' }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('proposes an agreement from the list and lands on its page', async () => {
    await page.goto(`${app.url}/`);
    await page.locator('#agreements tbody tr').first().waitFor();
    await page.locator('#propose').click();
    const form = page.locator('dialog.form-dialog');
    await form.getByLabel(/^Id\b/).fill('jpn-usa-hyperlink');
    await form.getByLabel('Title', { exact: true }).fill('=HYPERLINK("x")');
    await form.getByLabel('Parties', { exact: true }).selectOption(['JPN', 'USA']);
    await form.getByLabel('Provisions').selectOption(['consultation']);
    await form.getByLabel('Occurred on').fill('2024-03');
    await form.locator('button[type="submit"]').click();
    await page.waitForURL(/\/agreements\/jpn-usa-hyperlink$/);
    await page.locator('#title', { hasText: '=HYPERLINK("x")' }).waitFor();
    const stored = (await api(app.url).get('/api/agreements/jpn-usa-hyperlink')).body;
    expect(stored).toMatchObject({ status: 'proposed', parties: ['JPN', 'USA'], proposedOn: '2024-03' });
  });

  it('downloads the CSV of a filtered list: the rows the API gives, a formula neutralised, filters in the name', async () => {
    await page.goto(`${app.url}/?party=JPN`);
    await page.locator('#agreements tbody tr').first().waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
    expect(file.suggestedFilename()).toBe('agreements-party-JPN.csv');
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    try {
      const path = join(dir, 'list.csv');
      await file.saveAs(path);
      const text = readFileSync(path, 'utf8');
      const lines = text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('Agreement,Id,Parties,Status,Signed,Last event');
      const expected = (await api(app.url).get('/api/agreements?party=JPN&limit=1000')).body.items;
      expect(lines).toHaveLength(expected.length + 1);
      const ids = lines.slice(1).map((l) => /,([a-z0-9-]+),/.exec(l)?.[1]);
      expect(ids.sort()).toEqual(expected.map((a: any) => a.id).sort());
      expect(text).toContain(`"'=HYPERLINK(""x"")",jpn-usa-hyperlink,`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sorts the list by a column, says so to assistive technology, and prints without controls', async () => {
    await page.goto(`${app.url}/`);
    await page.locator('#agreements tbody tr').first().waitFor();
    await page.locator('th[data-sort="signedOn"] button').click();
    await expect(page.locator('th[data-sort="signedOn"]').getAttribute('aria-sort')).resolves.toBe(
      'ascending',
    );
    const signed = await page
      .locator('#agreements tbody tr td:nth-child(4) time')
      .evaluateAll((times) => times.map((t) => t.getAttribute('datetime') ?? ''));
    expect(signed).toEqual([...signed].sort());
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#download-csv').isVisible()).resolves.toBe(false);
    await expect(page.locator('.site-header').isVisible()).resolves.toBe(false);
    await expect(page.locator('#agreements').isVisible()).resolves.toBe(true);
    await page.emulateMedia({ media: 'screen' });
  });

  it('a viewer sees no Record button and no Retract', async () => {
    await page.goto(`${app.url}/?as=viewer#key=${viewerKey}`);
    await page.locator('#agreements tbody tr').first().waitFor();
    await page.goto(`${app.url}/agreements/usa-jpn-1960`);
    await page.locator('#events li').first().waitFor();
    await page.locator('#live[data-state="live"]').waitFor();
    await expect(page.locator('#record-event').isVisible()).resolves.toBe(false);
    await expect(page.locator('#events button', { hasText: 'Retract' }).count()).resolves.toBe(0);
  });

  it('scrolls no page sideways at 375 px, on any tab', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const wide: string[] = [];
    const check = async (what: string) => {
      const overflow = await page.evaluate<number>(SIDEWAYS);
      if (overflow > 0) {
        const culprits = await page.evaluate<string[]>(
          `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && e.getClientRects().length).slice(0, 6).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`,
        );
        wide.push(`${what}: ${overflow} px too wide (${culprits.join('; ')})`);
      }
    };
    await page.goto(`${app.url}/`);
    await page.locator('#agreements tbody tr').first().waitFor();
    await check('/');
    await page.goto(`${app.url}/agreements/usa-jpn-1960`);
    await page.locator('#events li').first().waitFor();
    for (const tab of ['timeline', 'milestones', 'audit']) {
      await page.locator(`#tab-${tab}`).click();
      await page.waitForTimeout(200);
      await check(`/agreements/usa-jpn-1960#${tab}`);
    }
    for (const party of ['USA', 'JPN']) {
      await page.goto(`${app.url}/parties/${party}`);
      await page.locator('h1').filter({ hasNotText: 'Loading' }).waitFor();
      await page.waitForTimeout(300);
      await check(`/parties/${party}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(wide).toEqual([]);
  });

  it('says how late in years, hides empty lanes, and does not promise live events on an ended agreement', async () => {
    await page.goto(`${app.url}/agreements/usa-jpn-1960#milestones`);
    const futenma = page.locator('#milestones tbody tr', { hasText: 'Futenma' });
    await futenma.waitFor();
    await expect(futenma.textContent()).resolves.toMatch(/\d+ years late/);
    const http = api(app.url);
    expect(
      (
        await http.post('/api/agreements', {
          id: 'ended-test',
          title: 'An agreement that ended',
          parties: ['USA', 'JPN'],
          provisions: ['consultation'],
          occurredOn: '2001-01-01',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await http.post('/api/agreements/ended-test/events', {
          type: 'AgreementTerminated',
          occurredOn: '2002-01-01',
          data: { reason: 'mutual_consent' },
        })
      ).status,
    ).toBe(201);
    await page.goto(`${app.url}/agreements/ended-test`);
    await page.locator('#live[data-state="live"]').waitFor();
    await expect(page.locator('#live-text').textContent()).resolves.not.toContain('new events appear');
    await expect(page.locator('#live-text').textContent()).resolves.toContain('has ended');
    // Only the lifecycle lane: it has no exercise, review, amendment or milestone.
    await expect(page.locator('#chart .lane-label').allTextContents()).resolves.toEqual(['Lifecycle']);
  });

  it('makes an audit report per agreement: every event with actor, time and hash, the checks and the checkpoint', async () => {
    await page.goto(`${app.url}/agreements/usa-jpn-1960/audit-report`);
    await page.locator('#log-proof.verify-ok').waitFor();
    await expect(page.locator('#chain').textContent()).resolves.toContain('Hash chain verified');
    const stored = (await api(app.url).get('/api/agreements/usa-jpn-1960/events?limit=1000')).body.items;
    const rows = page.locator('#report tbody tr');
    await expect(rows.count()).resolves.toBe(stored.length);
    await expect(page.locator('#report code.hash').allTextContents()).resolves.toEqual(
      stored.map((e: any) => e.hash),
    );
    await expect(page.locator('#report tbody').textContent()).resolves.toContain('Tokyo desk');
    const checkpoint = await page.locator('#checkpoint').textContent();
    expect(checkpoint).toMatch(/^treaty-ledger\/\S+\n\d+\n[A-Za-z0-9+/=]{44}\n\n— /);
    await page.screenshot({ path: join(SCREENSHOTS, 'audit-report-desktop.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate<number>(SIDEWAYS)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('#print').isVisible()).resolves.toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });

  it('/insights draws agreements per year from the stats endpoint, reachable by keyboard, with the same numbers in a table', async () => {
    const started = Date.now();
    await page.goto(`${app.url}/insights?measure=signed`);
    await page.locator('#chart svg .year').first().waitFor();
    expect(Date.now() - started).toBeLessThan(5000);
    const stats = (await api(app.url).get('/api/stats/agreements?groupBy=year&measure=signed')).body.items;
    const drawn = await page
      .locator('#chart svg .year')
      .evaluateAll((groups) =>
        groups.map((g): [number, number] => [
          Number(g.getAttribute('data-year')),
          Number(g.getAttribute('data-total')),
        ]),
      );
    for (const { year, count } of stats) expect(drawn).toContainEqual([year, count]);
    expect(drawn.reduce((n, [, c]) => n + c, 0)).toBe(stats.reduce((n: number, r: any) => n + r.count, 0));
    const table = await page
      .locator('#numbers tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) => [
          Number(r.getAttribute('data-year')),
          Number(r.querySelector('.total')?.textContent),
        ]),
      );
    expect(table).toEqual(drawn);
    // The keyboard reaches each year; its label says the numbers.
    await page.locator('#chart svg .year').first().focus();
    await expect(page.locator('#chart svg .year').first().getAttribute('aria-label')).resolves.toMatch(
      /^\d{4}: \d+/,
    );
    // Stacked by source, in force, filtered by party.
    await page.locator('#c-measure').selectOption('in_force');
    await page.locator('#c-stack').selectOption('source');
    await page.waitForURL(/stack=source/);
    await page.locator('#legend li').first().waitFor();
    const inForce = (await api(app.url).get('/api/stats/agreements?measure=in_force')).body.items;
    const last = inForce.at(-1);
    await expect(
      page.locator(`#numbers tbody tr[data-year="${last.year}"] .total`).textContent(),
    ).resolves.toBe(String(last.count));
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate<number>(SIDEWAYS)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'insights-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: join(SCREENSHOTS, 'insights-desktop.png'), fullPage: true });
  });

  it("a party's network on a date shows exactly the partners of the agreements the API lists in force that day; a lifeline per agreement", async () => {
    await page.goto(`${app.url}/parties/USA?on=1985-01-01`);
    await page.locator('#network svg').waitFor();
    await page.locator('#network-summary', { hasText: '1 Jan 1985' }).waitFor();
    const inForce = (await api(app.url).get('/api/agreements?party=USA&activeOn=1985-01-01&limit=1000')).body
      .items;
    const expected = [...new Set(inForce.flatMap((a: any) => a.parties))].filter((p) => p !== 'USA').sort();
    expect(expected.length).toBeGreaterThan(0);
    const drawn = await page
      .locator('#network svg a.node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-party')));
    expect(drawn.sort()).toEqual(expected);
    await expect(page.locator('#network-list li').count()).resolves.toBe(expected.length);
    // The slider moves the date to the same day of another year.
    await page.locator('#network-year').fill('1955');
    await page.locator('#network-summary', { hasText: '1 Jan 1955' }).waitFor();
    const in1955 = (await api(app.url).get('/api/agreements?party=USA&activeOn=1955-01-01&limit=1000')).body
      .items;
    const partners1955 = [...new Set(in1955.flatMap((a: any) => a.parties))].filter((p) => p !== 'USA');
    await expect(page.locator('#network svg a.node').count()).resolves.toBe(partners1955.length);
    expect(partners1955.length).not.toBe(expected.length);
    const listed = (await api(app.url).get('/api/agreements?party=USA&limit=1000')).body.items;
    await expect(page.locator('#lifeline svg a.life').count()).resolves.toBe(
      listed.filter((a: any) => a.signedOn).length,
    );
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate<number>(SIDEWAYS)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'party-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('downloads the CSV of an agreement page and of a party page: the rows they show', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    const saved = async (button: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
      const path = join(dir, file.suggestedFilename());
      await file.saveAs(path);
      return { name: file.suggestedFilename(), lines: readFileSync(path, 'utf8').trimEnd().split('\r\n') };
    };
    try {
      await page.goto(`${app.url}/agreements/jpn-usa-hyperlink`);
      await page.locator('#events li').first().waitFor();
      const events = await saved('#download-csv');
      expect(events.name).toBe('jpn-usa-hyperlink-events.csv');
      expect(events.lines[0]).toBe('Occurred,Event,Summary,Recorded by,Retracted');
      await expect(page.locator('#events li').count()).resolves.toBe(events.lines.length - 1);
      expect(events.lines[1]).toMatch(/^2024-03,Proposed,/);
      await page.goto(`${app.url}/parties/JPN`);
      await page.locator('#groups .agreement-card').first().waitFor();
      const party = await saved('#download-csv');
      expect(party.name).toBe('party-JPN-agreements.csv');
      await expect(page.locator('#groups .agreement-card').count()).resolves.toBe(party.lines.length - 1);
      expect(party.lines.join('\n')).toContain(`"'=HYPERLINK(""x"")",jpn-usa-hyperlink,proposed`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('raised no script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
