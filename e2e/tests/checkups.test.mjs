// 健診結果 in a real browser: the desktop table (one column per checkup, bands in text, colour
// and symbol, limits one tap away, trends), phone cards with a picker, a person who crossed 75
// (both kinds labelled, 後期 rows), a person whose insurer has not registered results, English,
// and the page without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, screenshot, PHONE, DESKTOP } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const SBP = '9A751000000000001';

test('特定健診 on desktop: five columns, bands as text and symbol, limits one tap away, trends', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/checkups');
    const table = b.page.locator('[data-testid=checkup-table]');
    assert.ok(await table.isVisible());
    assert.equal(await b.page.locator('[data-testid=checkup-card]').first().isVisible(), false, 'cards are for phones');
    const heads = await table.locator('thead th.checkup-col').allTextContents();
    assert.equal(heads.length, 5);
    assert.ok(heads.every((h) => h.includes('特定健診') && h.includes('中央健診センター')), heads.join(' | '));
    const row = table.locator(`tr[data-item="${SBP}"]`);
    const cells = await row.locator('td[data-band]').allTextContents();
    assert.equal(cells.length, 5);
    assert.match(cells[1], /▲\s*146.*mmHg.*受診勧奨/s, 'band in symbol and words');
    assert.match(cells[3], /○\s*128.*基準内/s);
    // Colour too, and different per band.
    const colours = await row.locator('.band-label').evaluateAll((els) => els.map((e) => getComputedStyle(e).color));
    assert.notEqual(colours[1], colours[3]);
    // Limits: one tap on the item's name.
    const limits = row.locator('[data-testid=limits]');
    assert.equal(await limits.isVisible(), false);
    await row.locator('summary').click();
    assert.ok(await limits.isVisible());
    assert.match(await limits.textContent(), /保健指導判定値: 130以上.*受診勧奨判定値: 140以上/s);
    assert.match(await row.locator('.item-info__body').textContent(), /上の血圧/);
    // A trend with its bands behind the line, and a text alternative.
    const trend = row.locator('svg[data-testid=trend]');
    assert.ok(await trend.isVisible());
    assert.match(await trend.getAttribute('aria-label'), /収縮期血圧.*146 mmHg/);
    assert.equal(await trend.locator('rect').count(), 3);
    // The year without the insurer's judgement: computed, and labelled so.
    assert.ok(await table.locator('[data-testid=computed]').first().isVisible());
    assert.ok(await b.page.getByTestId('computed-note').isVisible());
    // An item code Karte does not know is shown by its code.
    assert.ok(await table.locator('tr[data-item="3C025000002327101"] code').isVisible());
    assert.match(await b.page.getByTestId('checkup-registration').textContent(), /健診結果は登録されています/);
    await row.locator('summary').click();
    await b.page.evaluate(() => document.querySelector('.checkups-desktop').scrollIntoView());
    await screenshot(b.page, 'checkups-desktop', { fullPage: false });

    // English, through the same i18n layer.
    await b.context.addCookies([{ name: 'karte_lang', value: 'en', url: server.url }]);
    await b.page.reload();
    assert.match(await b.page.locator('h1').textContent(), /Checkup results/);
    assert.match(await row.locator('td[data-band]').nth(1).textContent(), /See a doctor/);
    await row.locator('summary').click();
    assert.match(await row.locator('.item-info__body').textContent(), /upper number/);
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('crossing 75: both kinds labelled, 後期 columns without waist or judgements, with the 質問票', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, server, 'demo-suzuki');
    await b.page.goto(server.url + '/checkups');
    const table = b.page.getByTestId('checkup-table');
    const kinds = await table.locator('thead [data-kind]').evaluateAll((els) => els.map((e) => e.dataset.kind));
    assert.deepEqual(kinds, ['specific', 'specific', 'late_stage', 'late_stage', 'late_stage']);
    const heads = await table.locator('thead th.checkup-col').allTextContents();
    assert.ok(heads[0].includes('特定健診') && heads[4].includes('後期高齢者健診'));
    for (const code of ['9N016160100000001', '9N501000000000011', '9N506000000000011']) {
      const cells = await table.locator(`tr[data-item="${code}"] td`).allTextContents();
      assert.deepEqual(cells.slice(2, 5).map((c) => c.trim()), ['対象外', '対象外', '対象外'], code);
    }
    const falls = table.locator('tr[data-item="9N939000000000011"]');
    assert.match(await falls.locator('th').textContent(), /この1年間に転んだことがありますか/);
    const answers = (await falls.locator('td').allTextContents()).slice(0, 5).map((c) => c.trim());
    assert.deepEqual(answers.slice(0, 2), ['対象外', '対象外']);
    assert.ok(answers.slice(2).every((a) => a === 'はい' || a === 'いいえ'), answers.join());
    const statuses = await b.page.locator('[data-testid=checkup-registration] li').count();
    assert.equal(statuses, 2, '国保 and 広域連合, each with its status');
  } finally {
    await b.close();
  }
});

test('on a phone: one card per checkup, a picker, the trends; no horizontal page scroll', async () => {
  const b = await launchBrowser({ viewport: PHONE });
  try {
    await signIn(b.page, server, 'demo-suzuki');
    await b.page.goto(server.url + '/checkups');
    assert.equal(await b.page.getByTestId('checkup-table').isVisible(), false);
    const cards = b.page.getByTestId('checkup-card');
    assert.equal(await cards.count(), 5);
    assert.ok(await cards.first().isVisible());
    const kinds = await cards.evaluateAll((els) => els.map((e) => e.dataset.kind));
    assert.deepEqual(kinds, ['late_stage', 'late_stage', 'late_stage', 'specific', 'specific'], 'newest first');
    const late = cards.first();
    assert.match(await late.textContent(), /後期高齢者健診/);
    assert.match(await late.textContent(), /この1年間に転んだことがありますか/);
    assert.doesNotMatch(await late.textContent(), /腹囲|メタボリックシンドローム判定/);
    // The picker scrolls the oldest card into view.
    const links = b.page.locator('.checkup-picker a');
    assert.equal(await links.count(), 5);
    await links.last().click();
    await b.page.waitForFunction(() => {
      const r = document.getElementById('checkup-0').getBoundingClientRect();
      return r.left >= -1 && r.left < 40;
    });
    assert.match(await b.page.locator('#checkup-0').textContent(), /特定健診/);
    assert.match(await b.page.locator('#checkup-0').textContent(), /腹囲/);
    const trends = b.page.locator('.checkup-trends figure');
    assert.ok((await trends.count()) >= 10, 'a trend per numeric item');
    assert.ok(await trends.first().locator('svg').isVisible());
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await b.page.locator('.checkup-picker a').first().click();
    await b.page.evaluate(() => window.scrollTo(0, document.querySelector('.checkup-picker').getBoundingClientRect().top + window.scrollY - 8));
    await screenshot(b.page, 'checkups-phone', { fullPage: false });
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('an insurer that has not registered results: the page says so, on desktop and phone', async () => {
  for (const viewport of [DESKTOP, PHONE]) {
    const b = await launchBrowser({ viewport });
    try {
      await signIn(b.page, server, 'demo-takahashi');
      await b.page.goto(server.url + '/checkups');
      const status = b.page.getByTestId('checkup-registration');
      assert.ok(await status.isVisible());
      assert.match(await status.textContent(), /健診結果はまだ登録されていません。登録予定日: \d{4}年\d+月\d+日/);
      assert.equal(await status.locator('li[data-status=expected]').count(), 1);
      assert.ok(await b.page.getByTestId('checkups-empty').isVisible());
      assert.equal(await b.page.getByTestId('checkup-table').count(), 0);
      assert.equal(await b.page.getByTestId('checkups-age').count(), 0, 'she is over 40: no age note');
    } finally {
      await b.close();
    }
  }
});

test('without JavaScript: the table, the limits and the phone picker all work', async () => {
  const desktop = await launchBrowser({ viewport: DESKTOP, javaScriptEnabled: false });
  try {
    await signIn(desktop.page, server, 'demo-sato');
    await desktop.page.goto(server.url + '/checkups');
    const row = desktop.page.locator(`[data-testid=checkup-table] tr[data-item="${SBP}"]`);
    await row.locator('summary').click();
    assert.ok(await row.locator('[data-testid=limits]').isVisible());
    assert.ok(await row.locator('svg[data-testid=trend]').isVisible());
  } finally {
    await desktop.close();
  }
  const phone = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    await signIn(phone.page, server, 'demo-sato');
    await phone.page.goto(server.url + '/checkups');
    await phone.page.locator('.checkup-picker a').last().click();
    await phone.page.waitForURL(/#checkup-0$/);
    const oldest = phone.page.locator('#checkup-0');
    const left = await oldest.evaluate((el) => el.getBoundingClientRect().left);
    assert.ok(left >= -1 && left < 40, `the chosen card is in view (left ${left})`);
    await oldest.locator(`[data-item="${SBP}"] summary`).click();
    assert.ok(await oldest.locator(`[data-item="${SBP}"] [data-testid=limits]`).isVisible());
  } finally {
    await phone.close();
  }
});
