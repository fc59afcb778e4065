// お薬の情報 in a real browser: the period lives in the URL (GET form, back button, months or
// days), the page works without JavaScript, fields and marks are there, the filter works live
// once hydrated (no round trip) and as a form without JavaScript, the ingredient view shows
// timelines and the overlap hint, and phones get one card per dispensing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, screenshot, PHONE, DESKTOP } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const ROWS = '[data-testid=drug-table] tr[data-filter-row]';
const toIso = (d) => d.replace(/(\d+)年(\d+)月(\d+)日/, (_, y, m, dd) => `${y}-${m.padStart(2, '0')}-${dd.padStart(2, '0')}`);

/** Resolves once the filter island has hydrated (it marks itself). */
async function hydrated(page) {
  await page.locator('[data-testid=drug-filter][data-ready=true]').waitFor();
}

test('drug history on desktop: fields, order, presets, custom period in the URL, back button', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/drugs?preset=all_three_years');
    const rows = await b.page.locator(ROWS).count();
    assert.ok(rows > 50, `three years of lines (${rows})`);
    assert.match(await b.page.textContent('[data-testid=person-header]'), /昭和49年6月12日/);
    assert.ok(await b.page.getByText('向）').first().isVisible(), 'the 向 mark is visible as text');
    const dates = await b.page.locator(`${ROWS} td.c-date`).allTextContents();
    const iso = dates.map(toIso);
    assert.deepEqual(iso, [...iso].sort().reverse(), 'newest first');
    // Every field has its column.
    const heads = await b.page.locator('[data-testid=drug-table] thead th').allTextContents();
    for (const h of ['調剤年月日', '病院・薬局名', '処方区分・使用区分', '医薬品名（成分名）', '用法・用量・1回用量', '特別指示', '調剤数量', '自己負担相当額／削減可能額']) {
      assert.ok(heads.includes(h), `column ${h}`);
    }
    assert.match(await b.page.textContent('[data-testid=savings-total]'), /[\d,]+円/);
    assert.match(await b.page.textContent('[data-testid=data-as-of]'), /データ更新日時: \d{4}年\d+月\d+日/);
    // Grouped by dispensing: each group's heading names its day and place.
    const groups = b.page.locator('[data-testid=drug-table] tbody.dispensing');
    assert.ok((await groups.count()) < rows, 'several lines share a dispensing');
    const first = groups.first();
    const day = await first.locator('.dispensing__date').textContent();
    for (const d of await first.locator('td.c-date').allTextContents()) assert.equal(d, day);
    await screenshot(b.page, 'drugs-desktop', { fullPage: false });
    // 「PDFで保存」 for the period on screen.
    const href = await b.page.getByTestId('pdf-drugs').getAttribute('href');
    assert.match(href, /^\/api\/v1\/me\/drugs\/pdf\?from=\d{4}-\d{2}&to=\d{4}-\d{2}$/);
    const pdf = await b.page.request.get(server.url + href);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    await b.page.fill('#from', '2025-01');
    await b.page.fill('#to', '2025-03');
    await b.page.getByRole('button', { name: '表示する' }).click();
    await b.page.waitForURL(/from=2025-01&to=2025-03/);
    assert.match(await b.page.textContent('#drug-list'), /2025-01 – 2025-03/);
    await b.page.goBack();
    await b.page.waitForURL(/preset=all_three_years/);
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('a period of days: the URL keeps days, the inputs become dates, only those days are shown', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/drugs?from=2025-01&to=2025-03');
    await b.page.getByTestId('period-unit').click();
    await b.page.waitForURL(/from=2025-01-01&to=2025-03-31/);
    assert.equal(await b.page.getAttribute('#from', 'type'), 'date');
    await b.page.fill('#from', '2025-02-10');
    await b.page.fill('#to', '2025-03-05');
    await b.page.getByRole('button', { name: '表示する' }).click();
    await b.page.waitForURL(/from=2025-02-10&to=2025-03-05/);
    assert.match(await b.page.textContent('#drug-list'), /2025年2月10日 – 2025年3月5日/);
    for (const d of (await b.page.locator(`${ROWS} td.c-date`).allTextContents()).map(toIso)) {
      assert.ok(d >= '2025-02-10' && d <= '2025-03-05', `${d} is inside the days`);
    }
  } finally {
    await b.close();
  }
});

test('the filter works live once hydrated: no reload, the URL follows', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/drugs?preset=all_three_years');
    await hydrated(b.page);
    const total = await b.page.locator(ROWS).count();
    await b.page.evaluate(() => { window.__noReload = true; });
    await b.page.selectOption('#usage', 'as_needed');
    await b.page.waitForFunction((t) => document.querySelectorAll('[data-testid=drug-table] tr[data-filter-row]:not([hidden])').length < t, total);
    const visible = b.page.locator(`${ROWS}:not([hidden])`);
    const n = await visible.count();
    assert.ok(n > 0 && n < total, `屯服 only: ${n} of ${total}`);
    for (const k of await visible.locator('td:nth-child(3)').allTextContents()) assert.match(k, /屯服/);
    assert.match(await b.page.textContent('[data-testid=filter-count]'), new RegExp(`^${n} / ${total}`));
    // Search folds kana and width: hiragana finds the katakana name.
    await b.page.selectOption('#usage', '');
    await b.page.fill('#q', 'ろきそ');
    await b.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=drug-table] tr[data-filter-row]:not([hidden])')].length > 0
      && [...document.querySelectorAll('[data-testid=drug-table] tr[data-filter-row]:not([hidden]) th')].every((th) => th.textContent.includes('ロキソ')));
    // Nothing matches: the empty state says what to do.
    await b.page.fill('#q', 'zzzz');
    await b.page.waitForSelector('[data-testid=filter-empty]:not([hidden])');
    await b.page.fill('#q', 'ろきそ');
    await b.page.getByRole('button', { name: '絞り込む' }).click();
    await b.page.waitForURL(/q=%E3%82%8D%E3%81%8D%E3%81%9D|q=ろきそ/);
    assert.equal(await b.page.evaluate(() => window.__noReload), true, 'filtered without a round trip');
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('the ingredient view: one row per ingredient, a timeline, and the overlap hint', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/drugs?preset=all_three_years');
    await b.page.getByRole('link', { name: '成分ごと' }).click();
    await b.page.waitForURL(/view=ingredients/);
    const rows = b.page.getByTestId('ingredient-row');
    const names = await rows.locator('.ingredient__name').allTextContents();
    assert.equal(new Set(names).size, names.length, 'one row per ingredient');
    assert.ok(names.includes('アムロジピンベシル酸塩') || names.some((n) => n.includes('アムロジピン')), names.join(','));
    assert.ok((await rows.first().locator('svg.timeline rect[fill]').count()) > 0, 'a timeline bar');
    const rebamipide = rows.filter({ has: b.page.locator('.ingredient__name', { hasText: 'レバミピド' }) });
    const hint = await rebamipide.getByTestId('overlap-hint').textContent();
    assert.match(hint, /異なる医療機関/);
    assert.match(hint, /医師または薬剤師/);
    assert.equal(await b.page.getByTestId('overlap-hint').count(), 1, 'only where it applies');
    await screenshot(b.page, 'drugs-ingredients', { fullPage: false });
    // The filter counts and filters ingredients here, live.
    await hydrated(b.page);
    assert.match(await b.page.textContent('[data-testid=filter-count]'), new RegExp(`^${names.length} / ${names.length}成分`));
    await b.page.fill('#q', 'ればみ');
    await b.page.waitForFunction(() => document.querySelectorAll('[data-testid=ingredient-row]:not([hidden])').length === 1);
    assert.equal(await b.page.locator('[data-testid=ingredient-row]:not([hidden]) .ingredient__name').textContent(), 'レバミピド');
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('without JavaScript: the page, the filter as a form, and one card per dispensing on a phone', async () => {
  const b = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    await signIn(b.page, server, 'demo-suzuki');
    await b.page.goto(server.url + '/drugs?preset=last_year');
    assert.ok((await b.page.locator(ROWS).count()) > 0);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const group = b.page.locator('[data-testid=drug-table] tbody.dispensing').first();
    assert.equal(await group.evaluate((el) => getComputedStyle(el).display), 'block', 'one card per dispensing');
    assert.equal(await group.locator('td.c-date').first().isVisible(), false, 'the date is in the card heading');
    assert.ok(await group.locator('.dispensing__date').isVisible());
    const label = await group.locator('td.c-qty').first().evaluate((el) => getComputedStyle(el, '::before').content);
    assert.equal(label, '"調剤数量"', 'each field is labelled on the card (CSS from the i18n layer)');
    await screenshot(b.page, 'drugs-phone', { fullPage: false });

    await b.page.selectOption('#usage', 'external');
    await b.page.getByRole('button', { name: '絞り込む' }).click();
    await b.page.waitForURL(/usage=external/);
    assert.match(b.page.url(), /preset=last_year/, 'the period is kept');
    const visible = b.page.locator(`${ROWS}:not([hidden])`);
    assert.ok((await visible.count()) > 0);
    for (const u of await visible.evaluateAll((els) => els.map((e) => e.dataset.usage))) assert.equal(u, 'external');
  } finally {
    await b.close();
  }
});
