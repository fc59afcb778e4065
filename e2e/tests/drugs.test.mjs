// お薬の情報 in a real browser: the period lives in the URL (GET form, back button), the page
// works without JavaScript, fields and marks are there, and phones get one card per line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, PHONE, DESKTOP } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

async function signIn(page, person) {
  await page.goto(server.url + '/signin');
  await page.locator(`tr[data-person-id="${person}"] button`).click();
  await page.waitForURL(server.url + '/');
}

test('drug history on desktop: presets, custom period in the URL, back button', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await signIn(b.page, 'demo-sato');
    await b.page.goto(server.url + '/drugs?preset=all_three_years');
    const rows = await b.page.locator('[data-testid=drug-table] tbody tr').count();
    assert.ok(rows > 50, `three years of lines (${rows})`);
    assert.match(await b.page.textContent('[data-testid=person-header]'), /昭和49年6月12日/);
    assert.ok(await b.page.getByText('向）').first().isVisible(), 'the 向 mark is visible as text');
    const dates = await b.page.locator('[data-testid=drug-table] tbody tr td:first-child').allTextContents();
    const iso = dates.map((d) => d.replace(/(\d+)年(\d+)月(\d+)日/, (_, y, m, dd) => `${y}-${m.padStart(2, '0')}-${dd.padStart(2, '0')}`));
    assert.deepEqual(iso, [...iso].sort().reverse(), 'newest first');
    await screenshot(b.page, 'drugs-desktop', { fullPage: false });

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

test('drug history works without JavaScript and reflows into cards on a phone', async () => {
  const b = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    await signIn(b.page, 'demo-suzuki');
    await b.page.goto(server.url + '/drugs?preset=last_year');
    assert.ok((await b.page.locator('[data-testid=drug-table] tbody tr').count()) > 0);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const display = await b.page.locator('[data-testid=drug-table] tbody tr').first().evaluate((el) => getComputedStyle(el).display);
    assert.equal(display, 'block', 'one card per line');
    await screenshot(b.page, 'drugs-phone', { fullPage: false });
  } finally {
    await b.close();
  }
});
