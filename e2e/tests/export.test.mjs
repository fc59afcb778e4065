// 書き出し in a real browser without JavaScript: the period chooser is a GET form, each kind
// has a download link for that period, and the download is the PDF with the right file name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, signIn, screenshot, PHONE } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('export page without JavaScript: choose a period, download the drugs PDF', async () => {
  const b = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    await signIn(b.page, server, 'demo-sato');
    await b.page.goto(server.url + '/export');
    assert.match(await b.page.textContent('[data-testid=person-header]'), /昭和49年6月12日/);
    await b.page.fill('#from', '2025-01');
    await b.page.fill('#to', '2025-03');
    await b.page.getByRole('button', { name: '表示する' }).click();
    await b.page.waitForURL(/from=2025-01&to=2025-03/);
    const link = b.page.getByTestId('pdf-drugs');
    assert.equal(await link.getAttribute('href'), '/api/v1/me/drugs/pdf?from=2025-01&to=2025-03');
    assert.equal(await b.page.getByTestId('pdf-checkups').getAttribute('href'), '/api/v1/me/checkups/pdf');
    assert.ok(await b.page.getByRole('link', { name: /お薬の情報/ }).isVisible(), 'the link names its PDF');
    await screenshot(b.page, 'export-phone', { fullPage: false });
    const [download] = await Promise.all([b.page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'karte-drugs-2025-01_2025-03.pdf');
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    assert.deepEqual(b.failedResponses, []);
  } finally {
    await b.close();
  }
});
