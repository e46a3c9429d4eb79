// The page in a real browser: Debian's Chromium, driven by playwright-core
// (never a downloaded browser). Structure, not pixels: the lanes and rows
// match the trace, the selected step follows the keys and `#step=N` links,
// the highlighted fields are the payload's, the drawing shows the racing
// slab on two lists, and the page loads nothing but itself and logs no
// error. Screenshots of each demonstration's violating step go to
// test-output/screenshots/ (ignored by git). Without Chromium the tests are
// skipped, with a message; under CI=true they fail instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildPageModel, type PageModel } from '../../src/html/page-model.ts';
import { renderPage } from '../../src/html/page.ts';
import { demo, livelock, type Replayed } from './traces.ts';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const ci = process.env.CI === 'true';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
if (!present && !ci) {
  console.warn(`test/html/browser.test.ts: SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium); under CI=true these tests fail instead`);
}
if (!present && ci) {
  it(`finds Chromium at ${CHROMIUM}, as CI=true requires (.ci/run installs it)`, () => {
    expect.fail(`no Chromium at ${CHROMIUM}: the browser tests cannot run`);
  });
}

interface Opened {
  readonly file: string;
  readonly url: string;
  readonly pm: PageModel;
  readonly r: Replayed;
}

describe.skipIf(!present)('the trace page in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slubcheck-browser-'));
  const pages: Record<string, Opened> = {};
  const requests: string[] = [];
  const errors: string[] = [];
  let browser: BrowserContext;

  beforeAll(async () => {
    for (const [key, r] of Object.entries({ race: demo('race'), destroy: demo('destroy'), livelock: livelock() })) {
      const pm = buildPageModel(r.model, r.trace, r.path);
      const file = join(dir, `${r.name}.html`);
      writeFileSync(file, renderPage(pm));
      pages[key] = { file, url: pathToFileURL(file).href, pm, r };
    }
    // A fresh profile, no network features, no sandbox (tests may run as root).
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 1000 },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a page, recording every request and every console error or uncaught exception. */
  async function open(key: string, hash = ''): Promise<{ page: Page; o: Opened }> {
    const o = pages[key]!;
    const page = await browser.newPage();
    page.on('request', (q) => requests.push(q.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${key}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${key}: ${e.message}`));
    await page.goto(o.url + hash);
    await page.waitForSelector('body[data-selected-step]');
    return { page, o };
  }

  const selected = (page: Page) => page.evaluate(() => Number(document.body.dataset.selectedStep));

  for (const key of ['race', 'destroy']) {
    it(`draws one lane per context that took a step and one row per state, with the table's step text (${key})`, async () => {
      const { page, o } = await open(key);
      expect(await page.locator('th.lane').allTextContents()).toEqual(o.pm.lanes);
      expect(await page.locator('tr.step').count()).toBe(o.pm.steps.length + 1);
      for (const s of o.pm.steps) {
        const cell = page.locator(`tr[data-step="${s.n}"] td.cell[data-lane="${s.lane}"]`);
        expect(await cell.locator('.step-name').textContent()).toBe(s.cell[0]);
        expect(await cell.locator('.step-change').allTextContents()).toEqual(s.cell.slice(1).map((l) => l.trim()));
        expect(await page.locator(`tr[data-step="${s.n}"] td.acting`).count()).toBe(1);
      }
      await page.close();
    });

    it(`highlights exactly the changed fields of the payload at every step, and can hide the others (${key})`, async () => {
      const { page, o } = await open(key, '#step=0');
      for (let n = 0; n <= o.pm.steps.length; n++) {
        await page.evaluate((h) => (location.hash = h), `#step=${n}`);
        await page.waitForFunction((k) => document.body.dataset.selectedStep === String(k), n);
        const marked = await page.locator('#state li.changed').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
        expect(marked.sort()).toEqual([...(n === 0 ? [] : o.pm.steps[n - 1]!.changed)].sort());
      }
      await page.evaluate((h) => (location.hash = h), `#step=${o.pm.steps.length}`);
      await page.check('#only-changed');
      const shown = await page.locator('#state li.node:visible').evaluateAll((els) => els.map((e) => e.className));
      expect(shown.length).toBeGreaterThan(0);
      for (const c of shown) expect(c).toMatch(/\b(changed|has-changed|in-changed)\b/);
      expect(await page.locator('#state li.node').count()).toBeGreaterThan(shown.length);
      await page.close();
    });
  }

  it('opens on the violation, and the keys move the selected step: next, previous, first, last, violation', async () => {
    const { page, o } = await open('race');
    const last = o.pm.steps.length;
    expect(await selected(page)).toBe(last);
    const press = async (key: string, want: number) => {
      await page.keyboard.press(key);
      expect(await selected(page)).toBe(want);
      expect(await page.evaluate(() => location.hash)).toBe(`#step=${want}`);
      expect(await page.locator('tr.step.selected').getAttribute('data-step')).toBe(String(want));
    };
    await press('Home', 0);
    await press('ArrowDown', 1);
    await press('j', 2);
    await press('ArrowUp', 1);
    await press('k', 0);
    await press('k', 0);
    await press('End', last);
    await press('ArrowDown', last);
    await press('g', 0);
    await press('v', o.pm.violation!.step);
    await page.close();
  });

  it('selects the step a #step=N link names, on opening and when the link changes or is clicked', async () => {
    const { page } = await open('destroy', '#step=3');
    expect(await selected(page)).toBe(3);
    expect(await page.locator('.state-panel h2').textContent()).toMatch(/^State after step 3 \(cpu1\/task kmem_cache_destroy\//);
    await page.evaluate(() => (location.hash = '#step=9'));
    await page.waitForFunction(() => document.body.dataset.selectedStep === '9');
    await page.click('tr[data-step="12"] td.num a');
    await page.waitForFunction(() => document.body.dataset.selectedStep === '12');
    await page.click('tr[data-step="5"] td.cell[data-lane="0"]');
    expect(await selected(page)).toBe(5);
    await page.close();
  });

  it("draws S0 on node0's partial list and on cpu1's partial chain at the racing step", async () => {
    const { page, o } = await open('race');
    const racing = o.pm.steps.length;
    expect(o.pm.steps[racing - 1]!.cell[0]).toBe('put_cpu_partial/link');
    const s0 = (group: string, list: string) => page.locator(`#picture .group[data-group="${group}"] .plist[data-list="${list}"] .item[data-id="S0"]`);
    await page.keyboard.press('End');
    expect(await s0('node0', 'partial').count()).toBe(1);
    expect(await s0('cpu1', 'partial').count()).toBe(1);
    expect(await s0('node0', 'partial').getAttribute('class')).toMatch(/\bshared\b/);
    expect(await s0('cpu1', 'partial').getAttribute('class')).toMatch(/\bshared\b/);
    await page.keyboard.press('ArrowUp');
    expect(await s0('node0', 'partial').count()).toBe(1);
    expect(await s0('cpu1', 'partial').count()).toBe(0);
    expect(await s0('node0', 'partial').getAttribute('class')).not.toMatch(/\bshared\b/);
    await page.close();
  });

  it("shows cpu0/task's lane holding node0.list_lock from the step that takes it", async () => {
    const { page, o } = await open('race');
    const lane = o.pm.lanes.indexOf('cpu0/task');
    const holding = await page.locator(`tr.step td.cell[data-lane="${lane}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-locks')));
    expect(holding).toEqual(o.pm.holding.map((h) => (h['cpu0/task'] ?? []).join(' ') || null));
    expect(holding[3]).toBe('node0.list_lock');
    expect(await page.locator('tr[data-step="3"] .lock-tag').textContent()).toBe('holds node0.list_lock');
    await page.keyboard.press('End');
    expect(await page.locator('#picture .lock.held').textContent()).toBe('node0.list_lock: cpu0/task');
    await page.close();
  });

  it('shows the violated property with its explanation, and the replay command', async () => {
    for (const key of ['race', 'destroy']) {
      const { page, o } = await open(key);
      const v = o.pm.violation!;
      expect(await page.locator('#violation h2').textContent()).toBe(`Violated: ${v.property} (${v.kind})`);
      expect(await page.locator('#violation .explanation').textContent()).toBe(v.explanation);
      expect(await page.locator('#command').textContent()).toBe(o.pm.command);
      expect(await page.locator('tr.violating').getAttribute('data-step')).toBe(String(v.step));
      await page.close();
    }
  });

  it('marks where the cycle of a livelock starts', async () => {
    const { page } = await open('livelock');
    expect(await page.locator('.cycle-marker').allTextContents()).toEqual(['~~ from here on the steps repeat forever ~~', '~~ back to the state before step 2 ~~']);
    expect(await page.locator('tr.in-cycle').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['2']);
    expect(await page.locator('#violation h2').textContent()).toBe('LIVELOCK');
    await page.close();
  });

  it("writes a screenshot of each demonstration's violating step", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const key of ['race', 'destroy']) {
      const { page, o } = await open(key, `#step=${pages[key]!.pm.violation!.step}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      const file = join(SCREENSHOTS, `${o.r.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(existsSync(file)).toBe(true);
      await page.close();
    }
  });

  it('loaded nothing but the page files themselves, and logged no error', () => {
    const files = new Set(Object.values(pages).map((p) => p.url));
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.map((u) => u.replace(/#.*$/, '')).filter((u) => !files.has(u))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
