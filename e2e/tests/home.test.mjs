// ホーム (the dashboard) in a real browser: 佐藤's dashboard on a desktop and a phone, in Japanese
// and English, with and without JavaScript; 田中 結衣 seen by her card holder (a child: no
// checkups, said plainly); a proxy's view shown to the person at the next sign-in. axe finds
// no violations on any of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, screenshot, axeViolations, DESKTOP, PHONE } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

async function noAxeViolations(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 1)}`);
}

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`佐藤's dashboard on a ${name}: medicines, values outside the bands, costs, estimate, freshness`, async () => {
    const b = await launchBrowser({ viewport });
    try {
      await signIn(b.page, server, 'demo-sato');
      const p = b.page;
      assert.equal(await p.locator('h1').textContent(), 'ホーム');
      assert.ok(await p.getByTestId('meds-table').locator('tbody tr').count() > 0, 'medicines taken recently');
      const outside = p.getByTestId('check-outside');
      assert.ok(await outside.locator('tbody tr').count() > 0, 'values outside the bands');
      assert.match(await outside.textContent(), /保健指導|受診勧奨/);
      assert.match(await p.getByTestId('cost-paid').textContent(), /^[\d,]+円/);
      assert.match(await p.getByTestId('cost-estimate').textContent(), /^[\d,]+円$/);
      const yearInJapan = new Date(Date.now() + 9 * 3600 * 1000).getUTCFullYear();
      assert.equal(await p.getByTestId('cost-workbench').getAttribute('href'), `/deduction?year=${yearInJapan}`);
      const fresh = await p.getByTestId('fresh-table').textContent();
      assert.match(fresh, /お薬の情報\s*\d{4}年\d+月\d+日/);
      assert.match(fresh, /公開予定/);
      // The footer gives the same date as the freshness table, not 「まだデータがありません」.
      const drugsAsOf = (await p.locator('[data-kind=drugs] [data-testid=fresh-as-of]').textContent()).trim();
      const footer = await p.getByTestId('footer-data-as-of').textContent();
      assert.ok(footer.includes(`お薬の情報 ${drugsAsOf}`), footer);
      assert.doesNotMatch(footer, /まだデータがありません/);
      // Nothing wider than the screen on a phone.
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal scrolling (${overflow}px)`);
      await screenshot(p, `home-${name}`);
      await noAxeViolations(p, `home ${name} ja`);
      // English.
      await p.click('a.lang-toggle');
      await p.waitForURL(server.url + '/');
      assert.equal(await p.locator('h1').textContent(), 'Home');
      assert.match(await p.getByTestId('home-checkup').textContent(), /Latest checkup/);
      assert.match(await p.getByTestId('fresh-table').textContent(), /Medicines\s*\d+ \w{3} \d{4}/);
      assert.match(await p.getByTestId('footer-data-as-of').textContent(), /Data as of: Medicines \d+ \w{3} \d{4}/);
      await noAxeViolations(p, `home ${name} en`);
      await p.click('a.lang-toggle');
      assert.deepEqual(b.consoleErrors, [], 'no console errors');
    } finally {
      await b.close();
    }
  });
}

test('the dashboard is complete without JavaScript', async () => {
  const b = await launchBrowser({ javaScriptEnabled: false });
  try {
    await signIn(b.page, server, 'demo-sato');
    for (const id of ['home-meds', 'home-checkup', 'home-costs', 'home-fresh', 'home-changes']) {
      assert.ok(await b.page.getByTestId(id).isVisible(), id);
    }
    // Signed in before (the tests above): what arrived since then, or that nothing did.
    assert.ok(await b.page.locator('[data-testid=changes-list], [data-testid=changes-none]').first().isVisible());
  } finally {
    await b.close();
  }
});

for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
  test(`田中 結衣 seen by her card holder on a ${name}: a child has no checkups, and the page says why`, async () => {
    const b = await launchBrowser({ viewport });
    try {
      await signIn(b.page, server, 'demo-tanaka-hiroshi');
      await b.page.selectOption('#viewing-select', 'demo-tanaka-yui');
      await b.page.locator('.person-switcher__form button').click();
      await b.page.goto(server.url + '/');
      assert.match(await b.page.getByTestId('viewing').textContent(), /田中　結衣/);
      assert.match(await b.page.getByTestId('check-not-of-age').textContent(), /田中　結衣さん.*40歳以上が対象のため、健診結果はありません/);
      assert.equal(await b.page.getByTestId('check-outside').count(), 0);
      assert.equal(await b.page.getByTestId('home-changes').count(), 0, 'not her own sign-in');
      await screenshot(b.page, `home-child-${name}`);
      await noAxeViolations(b.page, `child ${name} ja`);
      await b.page.click('a.lang-toggle');
      await b.page.waitForURL(server.url + '/');
      assert.match(await b.page.getByTestId('check-not-of-age').textContent(), /田中　結衣: Checkups .* start at age 40, so there are no checkup results/);
      await noAxeViolations(b.page, `child ${name} en`);
      await b.page.click('a.lang-toggle');
      assert.deepEqual(b.consoleErrors, []);
    } finally {
      await b.close();
    }
  });
}

test("a proxy's view is shown to the person at the next sign-in, with 「心当たりがない」", async () => {
  const b = await launchBrowser();
  try {
    const p = b.page;
    await signIn(p, server, 'demo-sato');
    await p.goto(server.url + '/proxies');
    await p.check('input[name=kinds][value=drugs]');
    await p.fill('#until', '2099-12-31');
    await p.getByRole('button', { name: '招待コードを作る' }).click();
    await p.waitForURL(/\/proxies\?ok=invited&code=/);
    const code = await p.getByTestId('invite-code').textContent();
    await p.getByTestId('sign-out').click();

    await signIn(p, server, 'demo-takahashi');
    await p.goto(server.url + '/proxies');
    await p.fill('#accept-code', code);
    await p.getByRole('button', { name: '内容を確認する' }).click();
    await p.getByRole('button', { name: '受け入れる' }).click();
    await p.waitForURL(server.url + '/proxies?ok=accepted');
    await p.selectOption('#viewing-select', 'demo-sato');
    await p.locator('.person-switcher__form button').click();
    await p.goto(server.url + '/drugs');
    await p.getByTestId('person-header').waitFor();
    await p.getByTestId('sign-out').click();

    await signIn(p, server, 'demo-sato');
    const alerts = p.getByTestId('home-proxy-views');
    assert.match(await alerts.textContent(), /高橋　美咲さん/);
    assert.match(await alerts.textContent(), /閲覧\s*お薬の情報/);
    await noAxeViolations(p, 'home with proxy views');
    await alerts.getByRole('button', { name: '心当たりがない' }).first().click();
    await p.waitForURL(/\/access\?/);
    await p.goto(server.url + '/');
    assert.match(await p.getByTestId('home-proxy-views').textContent(), /報告済み/);
    await screenshot(p, 'home-proxy-views');
  } finally {
    await b.close();
  }
});
