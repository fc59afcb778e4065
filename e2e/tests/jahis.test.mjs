// お薬手帳 (JAHIS) in a real browser: a photo of a pharmacy's split QR codes uploaded on the
// drugs page, decoded on the server, previewed (nothing stored), stored, and the lines shown
// at once marked 「お薬手帳（薬局発行）」; pasted text goes the same way; the period downloads as a
// JAHIS file and shows as QR codes. axe finds no violations on the drugs page with the card.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, signIn, screenshot, axeViolations, repoRoot, DESKTOP } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

// Written by the server's unit test `the_browser_tests_picture_decodes_to_its_notebook`:
// 高橋 美咲's notebook, dispensed 2026-11-20 (さくら薬局, 4 drugs) and 2026-11-25 (ひまわり薬局).
const PNG = path.join(repoRoot, 'server', 'tests', 'fixtures', 'import', 'jahis-qr-takahashi.png');
const NOTEBOOK = path.join(repoRoot, 'domain', 'src', 'jahis', 'fixtures', 'two-pharmacies.txt');
const NOVEMBER = '/drugs?from=2026-11&to=2026-11';

test('a QR photo on the drugs page: decoded, previewed, stored, lines marked at once', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    const p = b.page;
    await signIn(p, server, 'demo-takahashi');
    await p.goto(server.url + NOVEMBER);
    assert.equal(await p.getByTestId('pharmacy-notebook').count(), 0);
    const card = p.getByTestId('notebook');
    assert.ok(await card.isVisible());
    const violations = await axeViolations(p);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    // Upload the photo: the server reads the three codes and joins them.
    await p.setInputFiles('#qr-image', PNG);
    await p.getByTestId('qr-form').locator('button[type=submit]').click();
    await p.waitForURL(/\/import\?preview=/);
    const preview = p.getByTestId('import-preview');
    assert.ok(await preview.isVisible(), await p.content());
    assert.equal(await preview.locator('[data-kind="drugs"]').count(), 1);
    assert.equal((await preview.getByTestId('preview-new').first().textContent()).trim(), '5件');
    await p.goto(server.url + NOVEMBER);
    assert.equal(await p.getByTestId('pharmacy-notebook').count(), 0, 'nothing stored by the preview');
    await p.goBack();
    await p.getByTestId('import-store').click();
    await p.waitForURL(server.url + '/import?ok=stored');
    // The lines are on the drugs page at once, marked.
    await p.goto(server.url + NOVEMBER);
    const marks = p.getByTestId('pharmacy-notebook');
    assert.equal(await marks.count(), 5);
    assert.equal((await marks.first().textContent()).trim(), 'お薬手帳（薬局発行）');
    assert.ok(await p.getByText('麻）').first().isVisible(), 'the 麻 mark of the oxycodone line');
    await screenshot(p, 'jahis-marked-desktop-ja');
    // The same picture again adds nothing.
    await p.setInputFiles('#qr-image', PNG);
    await p.getByTestId('qr-form').locator('button[type=submit]').click();
    await p.waitForURL(/\/import\?preview=/);
    assert.equal(await p.getByTestId('preview-already').count(), 1, 'the same codes were stored before');
    assert.equal(await p.getByTestId('import-store').count(), 0, 'nothing to store');
    await p.goto(server.url + NOVEMBER);
    assert.equal(await p.getByTestId('pharmacy-notebook').count(), 5);
    assert.deepEqual(b.consoleErrors, [], 'no console errors');
  } finally {
    await b.close();
  }
});

test('pasted notebook text, the JAHIS download and the QR codes of the period', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    const p = b.page;
    await signIn(p, server, 'demo-sato');
    const born = (await p.goto(server.url + NOVEMBER), await p.getByTestId('person-header').textContent())
      .match(/\((\d{4})-(\d{2})-(\d{2})\)/);
    assert.ok(born, 'the header shows the birth date');
    const text = readFileSync(NOTEBOOK, 'utf8')
      .replace('S330303', born.slice(1).join(''))
      .replace('5,R070410,1', '5,20261110,1')
      .replace('5,20250422,1', '5,20261112,1');
    await p.fill('#notebook-text', text);
    await p.getByTestId('notebook-form').locator('button[type=submit]').click();
    await p.waitForURL(/\/import\?preview=/);
    await p.getByTestId('import-store').click();
    await p.waitForURL(server.url + '/import?ok=stored');
    await p.goto(server.url + NOVEMBER);
    assert.equal(await p.getByTestId('pharmacy-notebook').count(), 5);
    // The period as a JAHIS file (CP932): starts with the version record.
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('jahis-file').click()]);
    const bytes = readFileSync(await download.path());
    assert.match(bytes.subarray(0, 12).toString('latin1'), /^JAHISTC08,[12]\r$/);
    assert.match(download.suggestedFilename(), /^okusuri-techo-\d{8}\.txt$/);
    // The QR codes load when opened.
    await p.getByTestId('jahis-qr').locator('summary').click();
    const img = p.getByTestId('jahis-qr-period');
    await img.waitFor();
    await p.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    await screenshot(p, 'jahis-qr-desktop-ja');
    assert.deepEqual(b.consoleErrors, [], 'no console errors');
  } finally {
    await b.close();
  }
});
