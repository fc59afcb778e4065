// Sign-in in a real browser: OpenID Connect against a real provider process on loopback
// (e2e/oidc/provider.mjs), the linking step, sign-out; and the loopback-only dev sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn, screenshot, PHONE, signInWithOidc, linkByCard, SATO_CARD } from './harness.mjs';
import { startOidcProvider, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../oidc/launch.mjs';

let op;
let server;
before(async () => {
  op = await startOidcProvider({ stderr: 'ignore' });
  server = await startServer({
    env: {
      KARTE_OIDC_ISSUER: op.issuer,
      KARTE_OIDC_CLIENT_ID: DEFAULT_CLIENT_ID,
      KARTE_OIDC_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    },
  });
});
after(async () => {
  await server?.stop();
  await op?.stop();
});

test('OIDC sign-in, linking by insurance card, then sign-out', async () => {
  const b = await launchBrowser();
  try {
    await b.page.goto(server.url + '/');
    await b.page.getByTestId('sign-in').click();
    await b.page.waitForURL(server.url + '/signin');
    // The provider's own login form, then the linking step.
    await signInWithOidc(b.page, server, 'user-sato');
    await linkByCard(b.page, server, SATO_CARD, () => screenshot(b.page, 'link-desktop'));
    assert.equal(await b.page.textContent('[data-testid=viewing]'), '佐藤　健一さん（本人）');
    const cookies = await b.context.cookies(server.url);
    const session = cookies.find((c) => c.name === '__Host-karte_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(cookies.filter((c) => /token|id_token|access/i.test(c.name)).length, 0, 'no tokens in the browser');
    await b.page.getByTestId('sign-out').click();
    await b.page.waitForURL(server.url + '/signin?signed_out=1');
    assert.match(await b.page.textContent('main'), /サインアウトしました/);
    assert.equal((await b.context.cookies(server.url)).filter((c) => c.name === '__Host-karte_session').length, 0);
    assert.deepEqual(b.failedResponses.filter((u) => u.startsWith(server.url)), []);
  } finally {
    await b.close();
  }
});

test('a tampered or replayed state is refused with an explanation', async () => {
  // Redirect hops cannot be intercepted in the browser, so the first browser signs in and we
  // note the callback it was sent to; a second, fresh browser then presents that callback
  // with its state altered, and unaltered (already used).
  const first = await launchBrowser();
  let callback;
  first.page.on('response', (r) => {
    const loc = r.headers().location;
    if (loc && loc.startsWith(server.url + '/auth/callback?')) callback = loc;
  });
  try {
    await signInWithOidc(first.page, server, 'user-suzuki');
  } finally {
    await first.close();
  }
  assert.ok(callback, 'saw the callback');
  const b = await launchBrowser();
  try {
    const url = new URL(callback);
    url.searchParams.set('state', 'x' + url.searchParams.get('state'));
    await b.page.goto(url.toString());
    assert.equal(b.page.url(), server.url + '/signin?error=state');
    assert.match(await b.page.textContent('[data-testid=signin-error]'), /もう一度サインインしてください/);
    await b.page.goto(callback);
    assert.equal(b.page.url(), server.url + '/signin?error=state', 'a state works once');
    assert.equal((await b.context.cookies(server.url)).filter((c) => c.name === '__Host-karte_session').length, 0);
  } finally {
    await b.close();
  }
});

test('dev sign-in on a phone', async () => {
  const b = await launchBrowser({ viewport: PHONE });
  try {
    await signIn(b.page, server, 'demo-suzuki');
    assert.equal(await b.page.textContent('[data-testid=viewing]'), '鈴木　ハルさん（本人）');
    const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    await b.page.waitForTimeout(500);
    assert.equal(await b.page.getByTestId('stay-signed-in').isVisible(), false, 'no warning with 15 minutes left');
    await screenshot(b.page, 'home-signed-in-phone');
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
});

test('a warning comes before the idle timeout, and "stay signed in" extends the session', async () => {
  const short = await startServer({ env: { KARTE_SESSION_IDLE_MINUTES: '2' } });
  const b = await launchBrowser();
  try {
    await signIn(b.page, short, 'demo-sato');
    // Two minutes of idle time left: the warning shows once the island has hydrated.
    await b.page.getByTestId('stay-signed-in').waitFor();
    assert.match(await b.page.textContent('[data-testid=session-timer]'), /まもなく自動的にサインアウトします/);
    const extended = b.page.waitForResponse((r) => r.url().includes('/fn/keep-alive'));
    await b.page.getByTestId('stay-signed-in').click();
    const res = await extended;
    assert.equal(res.status(), 200);
    const deadline = await res.json();
    assert.ok(deadline * 1000 > Date.now() + 60_000, 'the session was extended');
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
    await short.stop();
  }
});

for (const [mode, label] of [['wrong_nonce', 'a wrong nonce'], ['wrong_audience', 'a wrong audience'], ['expired', 'an expired ID token']]) {
  test(`${label} from the provider is refused in the browser`, async () => {
    await op.misbehave(mode);
    const b = await launchBrowser();
    try {
      await signInWithOidc(b.page, server, 'user-tanaka', '/signin?error=provider');
      assert.match(await b.page.textContent('[data-testid=signin-error]'), /本人確認ができませんでした/);
      assert.equal((await b.context.cookies(server.url)).filter((c) => c.name === '__Host-karte_session').length, 0);
    } finally {
      await b.close();
      await op.misbehave('none');
    }
  });
}

test('an expired session sends the person to sign in again', async () => {
  const short = await startServer({ env: { KARTE_SESSION_IDLE_MINUTES: '0' } });
  const b = await launchBrowser();
  try {
    await signIn(b.page, short, 'demo-sato');
    // The session ended at once (idle timeout 0): the page shows no one signed in and the
    // browser's cookie is gone.
    assert.equal(await b.page.getByTestId('sign-in').isVisible(), true);
    assert.equal((await b.context.cookies(short.url)).filter((c) => c.name === '__Host-karte_session').length, 0);
  } finally {
    await b.close();
    await short.stop();
  }
});
