// Bring your own files and leaving, in a real browser: a マイナポータル CSV uploaded, previewed
// (nothing stored), stored as one batch, its lines marked on the expense page, removed again
// with nothing left (desktop in Japanese, phone in English); a bad file (a clear error, nothing
// stored); an hc08 CDA checkup uploaded, stored, marked on the checkups page and removed again;
// the archive download; account deletion. axe finds no violations on the new pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, signIn, screenshot, axeViolations, repoRoot, DESKTOP, PHONE } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const CSV = path.join(repoRoot, 'server', 'tests', 'fixtures', 'import', 'mynaportal-takahashi.csv');
const BAD = path.join(repoRoot, 'server', 'tests', 'fixtures', 'import', 'bad-mynaportal-amount.csv');
const CDA = path.join(repoRoot, 'server', 'tests', 'fixtures', 'import', 'hc08-tokutei.xml');

async function noAxeViolations(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 1)}`);
}

async function toEnglish(p) {
  const here = p.url();
  await p.click('a.lang-toggle');
  await p.waitForURL(here);
}

const T = {
  ja: { nav: '取り込み', marked: 'ご自身で取り込み', stored: '取り込みました', removed: '取り除きました', none: 'まだ取り込んだファイルはありません' },
  en: { nav: 'Import', marked: 'Imported by you', stored: 'Imported.', removed: 'was removed', none: 'You have not imported any file yet' },
};

for (const [name, viewport, lang] of [['desktop', DESKTOP, 'ja'], ['phone', PHONE, 'en']]) {
  test(`a マイナポータル CSV on a ${name} in ${lang}: preview, store, marked lines, removed again`, async () => {
    const b = await launchBrowser({ viewport });
    const t = T[lang];
    try {
      const p = b.page;
      await signIn(p, server, 'demo-takahashi');
      if (lang === 'en') await toEnglish(p);
      await p.locator('.site-nav').getByRole('link', { name: t.nav }).click();
      await p.waitForURL(server.url + '/import');
      assert.match(await p.getByTestId('import-batches-none').textContent(), new RegExp(t.none));
      await noAxeViolations(p, `import ${name} ${lang} (empty)`);
      // Step 1: the preview, nothing stored.
      await p.setInputFiles('#import-file', CSV);
      await p.getByTestId('import-form').locator('button[type=submit]').click();
      await p.waitForURL(/\/import\?preview=/);
      const preview = p.getByTestId('import-preview');
      assert.ok(await preview.isVisible());
      assert.equal((await preview.getByTestId('preview-new').textContent()).trim(), lang === 'ja' ? '4件' : '4');
      assert.match(await p.getByTestId('preview-format').textContent(), /マイナポータル/);
      await screenshot(p, `import-preview-${name}-${lang}`);
      await noAxeViolations(p, `import preview ${name} ${lang}`);
      await p.goto(server.url + '/expenses?from=2025-01&to=2025-12');
      assert.equal(await p.getByTestId('self-imported').count(), 0, 'nothing stored by the preview');
      // Step 2: store.
      await p.goBack();
      await p.getByTestId('import-store').click();
      await p.waitForURL(server.url + '/import?ok=stored');
      assert.match(await p.getByTestId('notice').textContent(), new RegExp(t.stored));
      assert.equal(await p.getByTestId('import-batch').count(), 1);
      // The lines on the expense page are marked.
      await p.goto(server.url + '/expenses?from=2025-01&to=2025-12');
      const marks = p.getByTestId('self-imported');
      assert.equal(await marks.count(), 4);
      assert.equal((await marks.first().textContent()).trim(), t.marked);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal scrolling (${overflow}px)`);
      await screenshot(p, `import-marked-${name}-${lang}`);
      // Removed again, after a confirmation.
      await p.goto(server.url + '/import');
      await p.getByTestId('import-remove-link').click();
      await p.waitForURL(/\/import\?remove=/);
      await noAxeViolations(p, `import remove ${name} ${lang}`);
      await p.getByTestId('import-remove-confirm').click();
      await p.waitForURL(server.url + '/import?ok=removed');
      assert.match(await p.getByTestId('notice').textContent(), new RegExp(t.removed));
      assert.equal(await p.getByTestId('import-batch').count(), 0);
      await p.goto(server.url + '/expenses?from=2025-01&to=2025-12');
      assert.equal(await p.getByTestId('self-imported').count(), 0, 'nothing left behind');
      assert.deepEqual(b.consoleErrors, [], 'no console errors');
    } finally {
      await b.close();
    }
  });
}

for (const [name, viewport, lang] of [['desktop', DESKTOP, 'ja'], ['phone', PHONE, 'en']]) {
  test(`an hc08 CDA checkup on a ${name} in ${lang}: preview, store, marked on the checkups page, removed again`, async () => {
    const b = await launchBrowser({ viewport });
    const t = T[lang];
    try {
      const p = b.page;
      await signIn(p, server, 'demo-sato');
      await p.goto(server.url + '/checkups');
      assert.equal(await p.getByTestId('self-imported').count(), 0, 'no checkup of his own yet');
      // The sample file made 佐藤's: his birth date (a file naming another person is refused)
      // and a checkup day after his insurer's last one. (The Japanese header shows it as ISO too.)
      const born = (await p.getByTestId('person-header').textContent()).match(/\((\d{4})-(\d{2})-(\d{2})\)/);
      assert.ok(born, 'the header shows the birth date');
      if (lang === 'en') await toEnglish(p);
      const xml = readFileSync(CDA, 'utf8')
        .replace('19680715', born.slice(1).join(''))
        .replace('<effectiveTime value="20241003"/>', '<effectiveTime value="20261003"/>');
      await p.goto(server.url + '/import');
      // Step 1: the preview, nothing stored.
      await p.setInputFiles('#import-file', { name: 'h-own.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
      await p.getByTestId('import-form').locator('button[type=submit]').click();
      await p.waitForURL(/\/import\?preview=/);
      const preview = p.getByTestId('import-preview');
      assert.ok(await preview.isVisible());
      assert.equal(await preview.locator('[data-kind="checkups"]').count(), 1, 'one kind: checkups');
      assert.equal((await preview.getByTestId('preview-new').first().textContent()).trim(), lang === 'ja' ? '1件' : '1');
      await noAxeViolations(p, `import CDA preview ${name} ${lang}`);
      await p.goto(server.url + '/checkups');
      assert.equal(await p.getByTestId('self-imported').count(), 0, 'nothing stored by the preview');
      // Step 2: store; the checkup is on the checkups page, marked, in the layout on screen.
      await p.goBack();
      await p.getByTestId('import-store').click();
      await p.waitForURL(server.url + '/import?ok=stored');
      assert.equal(await p.getByTestId('import-batch').count(), 1);
      await p.goto(server.url + '/checkups');
      const shown = p.locator('[data-testid="self-imported"]:visible');
      assert.equal(await shown.count(), 1, 'one marked checkup in the layout on screen');
      assert.equal((await shown.textContent()).trim(), t.marked);
      assert.ok(await p.locator('.checkup-place:visible', { hasText: 'サンプル健診クリニック' }).count() >= 1, 'the checkup is shown');
      await noAxeViolations(p, `checkups with an imported checkup ${name} ${lang}`);
      await screenshot(p, `import-cda-marked-${name}-${lang}`);
      // Removed again: the checkup is gone.
      await p.goto(server.url + '/import');
      await p.getByTestId('import-remove-link').click();
      await p.waitForURL(/\/import\?remove=/);
      await p.getByTestId('import-remove-confirm').click();
      await p.waitForURL(server.url + '/import?ok=removed');
      assert.equal(await p.getByTestId('import-batch').count(), 0);
      await p.goto(server.url + '/checkups');
      assert.equal(await p.getByTestId('self-imported').count(), 0, 'nothing left behind');
      assert.equal(await p.getByText('サンプル健診クリニック').count(), 0, 'the checkup is gone');
      assert.deepEqual(b.consoleErrors, [], 'no console errors');
    } finally {
      await b.close();
    }
  });
}

test('a bad file: a clear error, nothing stored', async () => {
  const b = await launchBrowser({ viewport: PHONE });
  try {
    const p = b.page;
    await signIn(p, server, 'demo-takahashi');
    await p.goto(server.url + '/import');
    await p.setInputFiles('#import-file', BAD);
    await p.getByTestId('import-form').locator('button[type=submit]').click();
    await p.waitForURL(/\/import\?preview=/);
    const problem = p.getByTestId('import-problem');
    assert.match(await problem.textContent(), /取り込めません/);
    assert.ok((await p.getByTestId('import-problem-detail').textContent()).length > 0, 'says where and why');
    assert.equal(await p.getByTestId('import-store').count(), 0);
    await noAxeViolations(p, 'import problem');
    await p.goto(server.url + '/import');
    assert.equal(await p.getByTestId('import-batch').count(), 0);
  } finally {
    await b.close();
  }
});

test('the archive downloads as one zip', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    const p = b.page;
    await signIn(p, server, 'demo-sato');
    await p.goto(server.url + '/account');
    await noAxeViolations(p, 'account');
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByTestId('archive-download').click(),
    ]);
    const file = await download.path();
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip');
    assert.match(download.suggestedFilename(), /^karte-archive-\d{4}-\d{2}-\d{2}\.zip$/);
  } finally {
    await b.close();
  }
});

test('account deletion: the word, then everything is gone', async () => {
  const b = await launchBrowser({ viewport: PHONE });
  try {
    const p = b.page;
    await signIn(p, server, 'demo-suzuki');
    await p.goto(server.url + '/account');
    await p.fill('#delete-word', 'はい');
    await p.getByTestId('delete-account').click();
    await p.waitForURL(server.url + '/account?error=word');
    assert.match(await p.getByTestId('account-error').textContent(), /何も削除していません/);
    await p.fill('#delete-word', '削除');
    await p.getByTestId('delete-account').click();
    await p.waitForURL(server.url + '/signin?ok=deleted');
    assert.match(await p.getByTestId('signin-ok').textContent(), /削除しました/);
    await noAxeViolations(p, 'signed out after deletion');
    // Signed out: the records page asks to sign in.
    const r = await p.request.get(server.url + '/api/v1/me/drugs');
    assert.equal(r.status(), 401);
  } finally {
    await b.close();
  }
});
