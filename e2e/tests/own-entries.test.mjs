// 本人入力 (issue 19, part 3) in a real browser, on a desktop and a phone, in Japanese and
// English: an OTC medicine added with the セルフメディケーション switch on reaches the calculator
// of its year on the 医療費控除 page; an allergy added on /own shows first on the drugs page,
// marked 「本人入力」/"Entered by you", and in the drugs PDF (read back with pdftotext); a memo
// added without JavaScript. axe finds no violations on the new page or the drugs page with the entries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, signIn, screenshot, axeViolations, DESKTOP, PHONE } from './harness.mjs';

let server;
before(async () => { server = await startServer({ env: { KARTE_TODAY: '2026-11-26' } }); });
after(async () => { await server?.stop(); });

async function noAxeViolations(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 1)}`);
}

const TEXT = {
  ja: { badge: '本人入力', added: '追加しました。', severe: '重い', calc: '計算する', allergies: 'アレルギー・副作用（本人入力）' },
  en: { badge: 'Entered by you', added: 'Added.', severe: 'Severe', calc: 'Calculate', allergies: 'Allergies and side effects (Entered by you)' },
};

// One person per run, so the runs do not see each other's entries.
const RUNS = [
  ['desktop', DESKTOP, 'ja', 'demo-sato'],
  ['phone', PHONE, 'ja', 'demo-suzuki'],
  ['desktop', DESKTOP, 'en', 'demo-takahashi'],
  ['phone', PHONE, 'en', 'demo-tanaka-hiroshi'],
];

for (const [name, viewport, lang, person] of RUNS) {
  test(`本人入力 on a ${name} in ${lang}: an OTC medicine reaches the self-medication calculator, an allergy the drugs page and PDF`, async () => {
    const t = TEXT[lang];
    const b = await launchBrowser({ viewport });
    const dir = mkdtempSync(path.join(tmpdir(), 'karte-own-'));
    try {
      const p = b.page;
      await signIn(p, server, person);
      if (lang === 'en') {
        await p.click('a.lang-toggle');
        await p.waitForURL(server.url + '/');
      }
      await p.goto(server.url + '/own');
      await noAxeViolations(p, `/own empty ${name} ${lang}`);

      // An OTC medicine with the switch on, bought in 2026.
      const medicine = `テスト風邪薬${name}${lang}`;
      const add = p.getByTestId('own-add-medicine');
      await add.locator('#med-new-name').fill(medicine);
      await add.locator('#med-new-ingredient').fill('イブプロフェン');
      await add.locator('#med-new-from').fill('2026-03-10');
      await add.locator('#med-new-to').fill('2026-03-14');
      await add.locator('#med-new-bought-at').fill('駅前ドラッグ');
      await add.locator('#med-new-price').fill('20000');
      await add.locator('#med-new-selfmed').check();
      await add.locator('button[type=submit]').click();
      await p.waitForURL(/\/own\?ok=added/);
      assert.equal((await p.getByTestId('notice').textContent()).trim(), t.added);
      const item = p.getByTestId('own-medicine').filter({ hasText: medicine });
      assert.equal(await item.count(), 1);
      assert.match(await item.getByTestId('own-badge').textContent(), new RegExp(t.badge));
      assert.ok(await item.getByTestId('own-selfmed').isVisible());

      // An allergy.
      const allergy = p.getByTestId('own-add-allergy');
      await allergy.locator('#allergy-new-substance').fill('ペニシリン');
      await allergy.locator('#allergy-new-reaction').fill('じんましん');
      await allergy.locator('#allergy-new-severity').selectOption('severe');
      await allergy.locator('button[type=submit]').click();
      await p.waitForURL(/\/own\?ok=added/);
      assert.match(await p.getByTestId('own-allergies').textContent(), /ペニシリン/);
      await noAxeViolations(p, `/own with entries ${name} ${lang}`);
      if (viewport === PHONE) {
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `no horizontal scrolling (${overflow}px)`);
      }
      await screenshot(p, `own-${name}-${lang}`);

      // The medicine is on the 2026 workbench and in the セルフメディケーション calculator.
      await p.getByTestId('own-selfmed').filter({ hasText: '2026' }).first().locator('a').click();
      await p.waitForURL(/\/deduction\?year=2026/);
      assert.match(await p.getByTestId('deduction-lines').textContent(), /駅前ドラッグ/);
      await p.fill('#ded-income', '5000000');
      await p.getByRole('button', { name: t.calc }).click();
      await p.waitForURL(/ok=saved/);
      const otc = Number((await p.getByTestId('self-medication').locator('dd').first().textContent()).replace(/\D/g, ''));
      assert.ok(otc >= 20000, `the OTC purchase is counted (${otc})`);
      const amount = Number((await p.getByTestId('self-medication-amount').textContent()).replace(/\D/g, ''));
      assert.equal(amount, Math.min(Math.max(otc - 12000, 0), 88000));

      // The drugs page: the allergy first, marked; the medicine after the claims.
      await p.goto(server.url + '/drugs');
      const shown = p.getByTestId('drugs-allergies');
      assert.match(await shown.textContent(), /ペニシリン/);
      assert.match(await shown.getByTestId('own-badge').first().textContent(), new RegExp(t.badge));
      assert.match(await shown.textContent(), new RegExp(t.severe));
      assert.match(await p.getByTestId('drugs-own').textContent(), new RegExp(medicine));
      await noAxeViolations(p, `/drugs with entries ${name} ${lang}`);

      // The drugs PDF has the allergy section.
      const res = await b.context.request.get(server.url + '/api/v1/me/drugs/pdf?from=2026-01&to=2026-11');
      assert.equal(res.status(), 200);
      const file = path.join(dir, 'drugs.pdf');
      writeFileSync(file, await res.body());
      const text = spawnSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s/g, '');
      assert.ok(text.includes(t.allergies.replace(/\s/g, '')), text.slice(0, 400));
      assert.match(text, /ペニシリン/);
      assert.match(text, /じんましん/);
      assert.deepEqual(b.consoleErrors, [], 'no console errors');
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a memo is attached to a dispensing without JavaScript, then edited and deleted', async () => {
  const b = await launchBrowser({ viewport: PHONE, javaScriptEnabled: false });
  try {
    const p = b.page;
    await signIn(p, server, 'demo-sato');
    await p.goto(server.url + '/own');
    const form = p.getByTestId('own-add-memo');
    await form.locator('#memo-new-memo').fill('粉薬が飲みにくかった');
    await form.locator('button[type=submit]').click();
    await p.waitForURL(/\/own\?ok=added/);
    const memo = p.getByTestId('own-memo');
    assert.equal(await memo.count(), 1);
    assert.match(await memo.textContent(), /粉薬が飲みにくかった/);
    // Edit through the <details> form, then delete.
    await memo.locator('summary').click();
    await memo.locator('textarea').fill('ゼリーで飲めた');
    await memo.getByTestId('own-edit-memo').locator('button[type=submit]').click();
    await p.waitForURL(/\/own\?ok=saved/);
    assert.match(await p.getByTestId('own-memo').textContent(), /ゼリーで飲めた/);
    await p.goto(server.url + '/drugs?preset=all_three_years');
    assert.match(await p.getByTestId('drugs-own').textContent(), /ゼリーで飲めた/);
    await p.goto(server.url + '/own');
    await p.getByTestId('own-memo').locator('summary').click();
    await p.getByTestId('own-memo').getByTestId('own-delete').click();
    await p.waitForURL(/\/own\?ok=deleted/);
    assert.equal(await p.getByTestId('own-memo').count(), 0);
  } finally {
    await b.close();
  }
});
