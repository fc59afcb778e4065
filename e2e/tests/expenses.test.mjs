// 医療費通知情報 in a real browser, on a fixed clock: every line, every total checked against sums
// computed here from the lines on screen, the publication rule at its February 9 boundary, the
// household view of the 田中 family (宏 holds the card; 結衣, born 2015, is a minor on it), the
// page without JavaScript, and phone cards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, screenshot, PHONE, DESKTOP } from './harness.mjs';

const TODAY = '2026-11-26';
let server;
before(async () => { server = await startServer({ env: { KARTE_TODAY: TODAY } }); });
after(async () => { await server?.stop(); });

const yen = (text) => Number(text.replace(/[^\d-]/g, ''));
const AMOUNTS = ['total', 'insurer', 'public', 'patient'];

/** The lines on screen, read from their cells. */
async function readLines(page) {
  return page.locator('[data-testid=expense-table] tbody tr').evaluateAll((rows) => rows.map((tr) => {
    const cell = (c) => tr.querySelector(`[data-col=${c}]`)?.textContent.trim() ?? null;
    return {
      person: tr.dataset.person,
      personLabel: cell('person'),
      month: tr.dataset.month,
      category: cell('category'),
      institution: cell('institution'),
      days: cell('days'),
      total: cell('total'),
      insurer: cell('insurer'),
      public: cell('public'),
      patient: cell('patient'),
    };
  }));
}

function sums(lines) {
  const out = { lines: lines.length, days: 0, total: 0, insurer: 0, public: 0, patient: 0 };
  for (const l of lines) {
    out.days += Number(l.days);
    for (const a of AMOUNTS) out[a] += yen(l[a]);
  }
  return out;
}

function groupBy(lines, key) {
  const groups = new Map();
  for (const l of lines) {
    const k = key(l);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(l);
  }
  return groups;
}

/** A totals table's rows as { key: { lines, days, total, … } }. */
async function readTable(page, testid, keyAttr) {
  return page.locator(`[data-testid=${testid}] tbody tr`).evaluateAll((rows, keyAttr) => rows.map((tr) => {
    const cell = (c) => tr.querySelector(`[data-col=${c}]`)?.textContent.trim() ?? null;
    return { key: tr.getAttribute(keyAttr), lines: cell('lines'), days: cell('days'), total: cell('total'), insurer: cell('insurer'), public: cell('public'), patient: cell('patient'), link: tr.querySelector('a[data-testid=deduction-link]')?.getAttribute('href') ?? null };
  }), keyAttr);
}

function assertAmounts(row, expected, what) {
  for (const a of AMOUNTS) if (row[a] !== null) assert.equal(yen(row[a]), expected[a], `${what}: ${a}`);
  if (row.lines !== null && row.lines !== undefined) assert.equal(Number(row.lines), expected.lines, `${what}: lines`);
  if (row.days !== null && row.days !== undefined) assert.equal(Number(row.days), expected.days, `${what}: days`);
}

/** Every total on the page equals the sums of the displayed lines. */
async function checkEveryTotal(page) {
  const lines = await readLines(page);
  assert.ok(lines.length > 0, 'lines are shown');
  const months = lines.map((l) => l.month);
  assert.deepEqual(months, [...months].sort().reverse(), 'newest month first');

  const period = await page.locator('[data-testid=period-totals] > div').evaluateAll((divs) =>
    Object.fromEntries(divs.map((d) => [d.dataset.col, d.querySelector('dd').textContent.trim()])));
  const all = sums(lines);
  assertAmounts({ ...period, lines: period.lines, days: period.days }, all, 'period');

  const years = await readTable(page, 'year-totals', 'data-year');
  const byYear = groupBy(lines, (l) => l.month.slice(0, 4));
  assert.deepEqual(years.map((y) => y.key), [...byYear.keys()].sort(), 'one row per year, oldest first');
  for (const y of years) {
    assertAmounts(y, sums(byYear.get(y.key)), `year ${y.key}`);
    assert.match(y.link, new RegExp(`^/deduction\\?year=${y.key}(&household=1)?$`), 'deduction export link');
  }

  const insts = await readTable(page, 'by-institution', 'data-name');
  const byInst = groupBy(lines, (l) => l.institution);
  assert.equal(insts.length, byInst.size);
  for (const r of insts) assertAmounts(r, sums(byInst.get(r.key)), r.key);

  const cats = await readTable(page, 'by-category', 'data-name');
  const byCat = groupBy(lines, (l) => l.category);
  assert.equal(cats.length, byCat.size);
  for (const r of cats) assertAmounts(r, sums(byCat.get(r.key)), r.key);

  // The chart's numbers (its text alternative) month by month.
  const chart = await readTable(page, 'chart-table', 'data-month');
  const byMonth = groupBy(lines, (l) => l.month);
  for (const m of chart) assert.equal(yen(m.patient), byMonth.has(m.key) ? sums(byMonth.get(m.key)).patient : 0, `chart ${m.key}`);
  const bars = await page.locator('[data-testid=monthly-chart] svg:visible g[data-month]').count();
  assert.equal(bars, chart.length, 'one bar per month');
  return lines;
}

test('expenses on desktop: lines newest first and every total from the lines', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-tanaka-hiroshi');
    await b.page.goto(server.url + '/expenses?preset=all_three_years');
    assert.match(await b.page.textContent('[data-testid=person-header]'), /田中　宏/);
    const lines = await checkEveryTotal(b.page);
    assert.ok(lines.length > 10, `three years of notices (${lines.length})`);
    assert.ok(lines.every((l) => l.person === 'demo-tanaka-hiroshi' && l.personLabel === null), 'his own lines, no person column');
    // On Nov 26, October and November are not out yet; September is (Nov 11).
    const pending = await b.page.locator('[data-testid=pending-months] li').evaluateAll((li) => li.map((e) => e.dataset.month));
    assert.deepEqual(pending, ['2026-10', '2026-11']);
    assert.match(await b.page.textContent('[data-testid=pending-months]'), /2026年12月11日/);
    assert.match(await b.page.textContent('[data-testid=expense-notes]'), /柔道整復/);
    assert.ok(await b.page.locator('#note-rounding').isVisible(), 'the rounding note next to the numbers');

    // A custom period through the form; the year row says it is only part of the year.
    await b.page.fill('#from', '2025-07');
    await b.page.fill('#to', '2026-06');
    await b.page.getByRole('button', { name: '表示する' }).first().click();
    await b.page.waitForURL(/from=2025-07&to=2026-06/);
    await checkEveryTotal(b.page);
    assert.equal(await b.page.locator('[data-testid=year-totals] tr[data-whole-year=false]').count(), 2);
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('household view: the card holder shows his daughter with him, each line labelled', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-tanaka-hiroshi');
    await b.page.goto(server.url + '/expenses?preset=last_year');
    const own = await readLines(b.page);
    await b.page.getByLabel('家族の分もまとめて表示する').check();
    await b.page.getByTestId('household-form').getByRole('button', { name: '表示する' }).click();
    await b.page.waitForURL(/household=1/);
    assert.match(await b.page.textContent('[data-testid=household-members]'), /田中　宏さん、田中　結衣さん/);
    const lines = await checkEveryTotal(b.page);
    const people = new Set(lines.map((l) => l.person));
    assert.deepEqual([...people].sort(), ['demo-tanaka-hiroshi', 'demo-tanaka-yui']);
    for (const l of lines) {
      assert.equal(l.personLabel, l.person === 'demo-tanaka-yui' ? '田中　結衣' : '田中　宏', 'labelled with whose it is');
    }
    assert.equal(lines.filter((l) => l.person === 'demo-tanaka-hiroshi').length, own.length, 'his lines are all there');
    await screenshot(b.page, 'expenses-desktop', { fullPage: true });
    const links = await b.page.locator('[data-testid=deduction-link]').evaluateAll((a) => a.map((e) => e.getAttribute('href')));
    assert.ok(links.every((h) => h.endsWith('&household=1')));
    // A preset keeps the household view.
    await b.page.getByRole('link', { name: '3年間すべて' }).click();
    await b.page.waitForURL(/preset=all_three_years&household=1/);
    assert.ok(await b.page.getByLabel('家族の分もまとめて表示する').isChecked());

    // The daughter, signed in herself, has no household to show (she may not see her father).
    const c = await launchBrowser({ viewport: DESKTOP });
    try {
      await signIn(c.page, server, 'demo-tanaka-yui');
      await c.page.goto(server.url + '/expenses?preset=last_year&household=1');
      assert.equal(await c.page.getByTestId('household-form').count(), 0);
      const hers = await readLines(c.page);
      assert.ok(hers.length > 0 && hers.every((l) => l.person === 'demo-tanaka-yui'));
    } finally {
      await c.close();
    }
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('the publication rule at its boundary: December notices appear on February 9', async () => {
  for (const [today, decemberOut] of [['2026-02-08', false], ['2026-02-09', true]]) {
    const srv = await startServer({ env: { KARTE_TODAY: today } });
    const b = await launchBrowser({ viewport: DESKTOP });
    try {
      await signIn(b.page, srv, 'demo-tanaka-hiroshi');
      await b.page.goto(srv.url + '/expenses?from=2025-10&to=2026-02&household=1');
      const months = new Set((await readLines(b.page)).map((l) => l.month));
      assert.ok(months.has('2025-11'), `${today}: November is out`);
      assert.equal(months.has('2025-12'), decemberOut, `${today}: December`);
      assert.ok(!months.has('2026-01'), `${today}: January waits for March 11`);
      const pending = await b.page.locator('[data-testid=pending-months] li').evaluateAll((li) => li.map((e) => e.dataset.month));
      assert.deepEqual(pending, decemberOut ? ['2026-01', '2026-02'] : ['2025-12', '2026-01', '2026-02'], today);
      const text = await b.page.textContent('[data-testid=pending-months]');
      if (!decemberOut) assert.match(text, /2025年12月: 公開予定 2026年2月9日/);
      assert.match(text, /2026年1月: 公開予定 2026年3月11日/);
      // The chart frames the pending months.
      assert.equal(await b.page.locator('[data-testid=monthly-chart] svg:visible .chart__pending').count(), pending.length);
      await checkEveryTotal(b.page);
    } finally {
      await b.close();
      await srv.stop();
    }
  }
});

test('expenses work without JavaScript and reflow into cards on a phone', async () => {
  const b = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    await signIn(b.page, server, 'demo-tanaka-hiroshi');
    await b.page.goto(server.url + '/expenses?preset=last_year');
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const display = await b.page.locator('[data-testid=expense-table] tbody tr').first().evaluate((el) => getComputedStyle(el).display);
    assert.equal(display, 'block', 'one card per line');
    assert.equal(await b.page.locator('[data-testid=monthly-chart] svg:visible').getAttribute('data-size'), 'narrow', 'the chart is drawn by the server, for the phone');
    // The chart's table opens without JavaScript.
    assert.ok(!(await b.page.getByTestId('chart-table').isVisible()));
    await b.page.getByText('グラフの数値を表で見る').click();
    assert.ok(await b.page.getByTestId('chart-table').isVisible());
    await checkEveryTotal(b.page);
    await b.page.locator('#period-totals').evaluate((e) => e.scrollIntoView());
    await screenshot(b.page, 'expenses-phone', { fullPage: false });

    // The household checkbox is a plain GET form.
    await b.page.getByLabel('家族の分もまとめて表示する').check();
    await b.page.getByTestId('household-form').getByRole('button', { name: '表示する' }).click();
    await b.page.waitForURL(/household=1/);
    const lines = await checkEveryTotal(b.page);
    assert.ok(lines.some((l) => l.person === 'demo-tanaka-yui'));

    // A period that cannot be read says what to do.
    await b.page.goto(server.url + '/expenses?from=2026-05&to=2026-01');
    assert.match(await b.page.textContent('[data-testid=expenses-error]'), /開始月と終了月/);
    await b.page.getByRole('link', { name: '今年の分を表示する' }).click();
    await b.page.waitForURL(server.url + '/expenses');
    assert.ok((await b.page.locator('[data-testid=expense-table] tbody tr').count()) > 0);
  } finally {
    await b.close();
  }
});
