// Connected apps (issue 20, part 2) in a real browser, on a desktop and a phone: a person
// issues a read-only drugs token to an app on the proxies page, sees it once, the app reads
// MedicationDispense with it (and is refused Observation, 403), the read appears in アクセス履歴
// with the app's name, and revoking it on the page ends it at once. axe finds no violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, screenshot, axeViolations, DESKTOP, PHONE } from './harness.mjs';

let server;
before(async () => { server = await startServer({ env: { KARTE_TODAY: '2026-11-26' } }); });
after(async () => { await server?.stop(); });

async function noAxeViolations(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 1)}`);
}

async function fhir(path, token) {
  const r = await fetch(server.url + path, { headers: { Authorization: `Bearer ${token}` } });
  assert.match(r.headers.get('content-type'), /^application\/fhir\+json/);
  return { status: r.status, body: await r.json() };
}

const RUNS = [
  ['desktop', DESKTOP, 'demo-sato'],
  ['phone', PHONE, 'demo-suzuki'],
];

for (const [name, viewport, person] of RUNS) {
  test(`connected apps on a ${name}: issue a drugs token, read with it, see it logged, revoke it`, async () => {
    const b = await launchBrowser({ viewport });
    try {
      const p = b.page;
      await signIn(p, server, person);
      await p.goto(server.url + '/proxies');
      assert.equal(await p.getByTestId('no-apps').count(), 1);
      await noAxeViolations(p, `/proxies ${name}`);

      const app = `お薬手帳アプリ ${name}`;
      const form = p.getByTestId('app-form');
      await form.getByLabel('アプリの名前').fill(app);
      await form.getByLabel('お薬の情報').check();
      await form.getByLabel('期限（この日まで）').fill('2027-03-31');
      await form.getByRole('button', { name: 'トークンを作る' }).click();
      await p.waitForURL(/\/proxies\?ok=app_issued/);
      assert.match(await p.getByTestId('notice').textContent(), /トークンを作りました/);
      const token = await p.getByTestId('app-token').inputValue();
      assert.match(token, /^karte_app_[A-Za-z0-9_-]{43}$/);
      const row = p.getByTestId('apps-table').locator('tr', { hasText: app });
      assert.equal(await row.count(), 1);
      assert.match(await row.textContent(), /お薬の情報/);
      await noAxeViolations(p, `/proxies with a new token ${name}`);
      if (viewport === PHONE) {
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `no horizontal scrolling (${overflow}px)`);
      }
      await screenshot(p, `proxies-apps-${name}`);

      // Shown once: a reload no longer has it.
      await p.reload();
      assert.equal(await p.getByTestId('app-token').count(), 0);

      // The app reads drugs, not checkups.
      const drugs = await fhir('/api/v1/me/fhir/MedicationDispense', token);
      assert.equal(drugs.status, 200);
      assert.equal(drugs.body.resourceType, 'Bundle');
      const checkups = await fhir('/api/v1/me/fhir/Observation', token);
      assert.equal(checkups.status, 403);
      assert.equal(checkups.body.resourceType, 'OperationOutcome');

      await p.goto(server.url + '/access');
      assert.match(await p.locator('main').textContent(), new RegExp(app));

      // Revoked on the page: the app reads nothing any more.
      await p.goto(server.url + '/proxies');
      await p.getByTestId('apps-table').locator('tr', { hasText: app }).getByRole('button', { name: '取り消す' }).click();
      await p.waitForURL(/\/proxies\?ok=app_revoked/);
      assert.equal(await p.getByTestId('no-apps').count(), 1);
      await noAxeViolations(p, `/proxies after revoking ${name}`);
      const after = await fhir('/api/v1/me/fhir/MedicationDispense', token);
      assert.equal(after.status, 401);
      assert.deepEqual(b.consoleErrors, []);
    } finally {
      await b.close();
    }
  });
}
