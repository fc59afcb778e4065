// 医療費控除 in a real browser, for the demo family (田中 宏 and his daughter 結衣 on one card):
// the household's notice lines, a receipt added by hand, a line unticked, the income entered,
// both calculators compared, the 医療費集計フォーム downloaded and read back by openpyxl, and the
// printable PDF summary downloaded and read back by pdftotext.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, signIn, screenshot, repoRoot, DESKTOP, PHONE } from './harness.mjs';

let server;
// Filing season: 2025's notices are all published by then.
before(async () => { server = await startServer({ env: { KARTE_TODAY: '2026-03-01' } }); });
after(async () => { await server?.stop(); });

const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Reads a downloaded form with openpyxl and checks it against the official template. */
function readForm(file) {
  const r = spawnSync(python, [
    path.join(repoRoot, 'scripts', 'check_etax_xlsx.py'),
    file,
    path.join(repoRoot, 'server', 'assets', 'etax', 'iryouhi_form_v3.1.xlsx'),
  ], { encoding: 'utf8' });
  assert.equal(r.status, 0, `openpyxl check failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const ticked = async (page) => Number((await page.textContent('[data-testid=ticked-count]')).replace(/\D/g, ''));

test('the family works out its deduction and downloads the e-Tax form', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  const dir = mkdtempSync(path.join(tmpdir(), 'karte-dl-'));
  try {
    await signIn(b.page, server, 'demo-tanaka-hiroshi');
    // The nav entry and the household.
    await b.page.getByRole('link', { name: '医療費控除' }).first().click();
    await b.page.waitForURL(/\/deduction/);
    await b.page.goto(server.url + '/deduction?year=2025');
    await b.page.getByTestId('household').check();
    await b.page.getByRole('button', { name: '表示する' }).click();
    await b.page.waitForURL(/year=2025&household=1/);
    const lines = b.page.locator('[data-testid=deduction-lines] tbody tr');
    assert.ok((await lines.count()) > 6, 'a year of notices');
    assert.ok(await b.page.locator('tr[data-origin=notice]', { hasText: '田中　結衣さん' }).count() > 0, "the daughter's lines");
    assert.ok(await b.page.locator('tr[data-origin=notice]', { hasText: '田中　宏さん' }).count() > 0, "the father's lines");
    const before = await ticked(b.page);

    // A receipt the notices do not hold.
    await b.page.fill('#ded-who', '田中　結衣');
    await b.page.fill('#ded-payee', 'あおば整骨院');
    await b.page.selectOption('#ded-category', 'other');
    await b.page.fill('#ded-amount', '3200');
    await b.page.fill('#ded-paid-on', '2025-06-01');
    await b.page.getByRole('button', { name: '追加する' }).click();
    await b.page.waitForURL(/ok=added/);
    const hand = b.page.locator('tr[data-origin=manual]', { hasText: 'あおば整骨院' });
    assert.equal(await hand.count(), 1);
    assert.match(await hand.textContent(), /手入力/);
    assert.equal(await ticked(b.page), before + 1);

    // Leave one notice line out.
    const first = b.page.locator('tr[data-origin=notice]').first();
    const key = await first.getAttribute('data-key');
    await first.getByTestId('toggle').click();
    await b.page.waitForURL(/ok=saved/);
    const row = b.page.locator(`tr[data-key="${key}"]`);
    assert.equal(await row.getAttribute('data-included'), 'false');
    assert.match(await row.textContent(), /含めない/);
    assert.equal(await ticked(b.page), before);

    // The income, and the two calculators side by side.
    assert.ok(await b.page.getByTestId('income-needed').isVisible());
    await b.page.fill('#ded-income', '1500000');
    await b.page.getByRole('button', { name: '計算する' }).click();
    await b.page.waitForURL(/ok=saved/);
    const comparison = b.page.getByTestId('comparison');
    assert.ok(await comparison.isVisible());
    assert.ok(await b.page.getByTestId('medical-amount').isVisible());
    assert.ok(await b.page.getByTestId('self-medication-amount').isVisible());
    assert.match(await b.page.textContent('[data-testid=verdict]'), /のほうが大きくなります|同じ額/);
    assert.match(await b.page.textContent('[data-testid=only-one]'), /どちらか一方しか申告できません/);
    await screenshot(b.page, 'deduction-desktop', { fullPage: false });

    // The download: an xlsx (zip) with exactly the ticked lines, in the official layout.
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      b.page.getByTestId('export-xlsx').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'iryouhi_2025.xlsx');
    const file = path.join(dir, 'form.xlsx');
    await download.saveAs(file);
    assert.equal(readFileSync(file).subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'a zip');
    const form = readForm(file);
    assert.deepEqual(form.sheets, ['医療費集計フォーム', 'ご利用に当たって']);
    assert.equal(form.version, '医療費集計フォーム  Ver.3.1');
    assert.equal(form.rows.length, before, 'one row per ticked line');
    const aoba = form.rows.find((r) => r.payee === 'あおば整骨院');
    assert.deepEqual(aoba, { row: aoba.row, person: '田中　結衣', payee: 'あおば整骨院', categories: [false, false, false, true], paid: 3200, reimbursed: null, paid_on: '2025/6/1' });
    const shown = Number((await b.page.textContent('[data-testid=total-paid]')).replace(/\D/g, ''));
    assert.equal(form.total_paid, shown, 'the form adds up to what the page says');

    // The printable summary: a PDF with the hand line and the same total as the page.
    const [pdfDownload] = await Promise.all([
      b.page.waitForEvent('download'),
      b.page.getByTestId('export-pdf').click(),
    ]);
    assert.equal(pdfDownload.suggestedFilename(), 'karte-deduction-2025.pdf');
    const pdfFile = path.join(dir, 'summary.pdf');
    await pdfDownload.saveAs(pdfFile);
    assert.equal(readFileSync(pdfFile).subarray(0, 5).toString('latin1'), '%PDF-');
    const text = spawnSync('pdftotext', ['-raw', pdfFile, '-'], { encoding: 'utf8' }).stdout.replace(/\s/g, '');
    assert.match(text, /医療費控除の明細書（集計）/);
    assert.match(text, /あおば整骨院/);
    assert.ok(text.includes(`合計${before}件${shown.toLocaleString('en-US')}円`), 'the summary adds up to what the page says');
    assert.match(text, /どちらか一方しか申告できません/);
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the deduction page works without JavaScript on a phone', async () => {
  const b = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/deduction?year=2025');
    await b.page.fill('#ded-payee', '通院のバス代');
    await b.page.selectOption('#ded-category', 'other');
    await b.page.fill('#ded-amount', '840');
    await b.page.getByRole('button', { name: '追加する' }).click();
    await b.page.waitForURL(/ok=added/);
    assert.equal(await b.page.locator('tr[data-origin=manual]', { hasText: '通院のバス代' }).count(), 1);
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await screenshot(b.page, 'deduction-phone', { fullPage: false });
  } finally {
    await b.close();
  }
});
