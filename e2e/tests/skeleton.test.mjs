// The walking skeleton in a real browser: server-rendered pages, the language toggle, the
// no-JavaScript page and phone layout (hydration and server functions: drugs and session tests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, DESKTOP, PHONE } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('pages are complete without JavaScript', async () => {
  const b = await launchBrowser({ javaScriptEnabled: false });
  try {
    const home = await b.page.goto(server.url + '/');
    assert.equal(home.status(), 200);
    assert.match(await b.page.textContent('main'), /記録を見るにはサインインしてください/);
    const res = await b.page.goto(server.url + '/signin');
    assert.equal(res.status(), 200);
    assert.equal(await b.page.getAttribute('html', 'lang'), 'ja');
    assert.equal(await b.page.textContent('header .brand'), 'Karte');
    const nav = await b.page.locator('nav.site-nav a').allTextContents();
    assert.deepEqual(nav, ['お薬', '健診', '医療費', '書き出し', '医療費控除', '取り込み']);
    const rows = await b.page.locator('[data-testid=people-table] tbody tr').count();
    assert.equal(rows, 5, 'the five demo people are rendered on the server');
    await assert.doesNotReject(b.page.getByText('佐藤　健一').waitFor());
    // Signed out there is no person on screen, so no "data as of" (home.test.mjs has it signed in).
    assert.equal(await b.page.locator('[data-testid=footer-data-as-of]').count(), 0);
  } finally {
    await b.close();
  }
});

test('the dev sign-in list is plain HTML on a desktop: five people, a sign-in button each', async () => {
  const b = await launchBrowser({ viewport: DESKTOP });
  try {
    await b.page.goto(server.url + '/signin');
    const rows = b.page.locator('[data-testid=people-table] tbody tr');
    assert.equal(await rows.count(), 5);
    // A form per person, posting to the dev sign-in: works before (and without) the bundle.
    assert.equal(await b.page.locator('[data-testid=people-table] form[action="/auth/dev"] button').count(), 5);
    await screenshot(b.page, 'signin-desktop');
    assert.deepEqual(b.consoleErrors, [], 'no console errors');
  } finally {
    await b.close();
  }
});

test('English toggle switches the whole page and back', async () => {
  const b = await launchBrowser();
  try {
    await b.page.goto(server.url + '/drugs');
    await b.page.click('a.lang-toggle');
    await b.page.waitForURL(server.url + '/drugs');
    assert.equal(await b.page.getAttribute('html', 'lang'), 'en');
    const nav = await b.page.locator('nav.site-nav a').allTextContents();
    assert.deepEqual(nav, ['Medicines', 'Checkups', 'Medical costs', 'Export', 'Tax deduction', 'Import']);
    assert.equal(await b.page.getAttribute('nav.site-nav a[aria-current=page]', 'href'), '/drugs');
    await b.page.click('a.lang-toggle');
    await b.page.waitForURL(server.url + '/drugs');
    assert.equal(await b.page.getAttribute('html', 'lang'), 'ja');
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('phone layout fits 390 px without horizontal scrolling', async () => {
  const b = await launchBrowser({ viewport: PHONE });
  try {
    await b.page.goto(server.url + '/signin');
    await b.page.getByTestId('people-table').waitFor();
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    assert.ok(await b.page.locator('nav.site-nav').isVisible());
    await screenshot(b.page, 'signin-phone');
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('unknown page says so with a 404 inside the frame', async () => {
  const b = await launchBrowser();
  try {
    const res = await b.page.goto(server.url + '/no-such-page');
    assert.equal(res.status(), 404);
    assert.equal(await b.page.textContent('h1'), 'ページが見つかりません');
    assert.ok(await b.page.locator('nav.site-nav').isVisible());
  } finally {
    await b.close();
  }
});
