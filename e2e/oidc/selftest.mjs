// Self-test of the Karte test OIDC provider:  node --test e2e/oidc/selftest.mjs
// Plain-HTTP flows (fetch, manual redirects, cookie jar) + one Chromium walk.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRemoteJWKSet, jwtVerify, compactVerify, decodeJwt, decodeProtectedHeader, errors as joseErrors,
} from 'jose';
import { startOidcProvider } from './launch.mjs';

const REDIRECT_URI = 'http://127.0.0.1:45123/auth/callback'; // never contacted in HTTP tests

// ---------------------------------------------------------------------------
// Minimal HTTP user agent: manual redirects + cookie jar (single host)
// ---------------------------------------------------------------------------
class Agent {
  constructor() { this.jar = new Map(); }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(res) {
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now())
        || attrs.some((a) => /^\s*max-age=\s*0\s*$/i.test(a));
      if (expired || value === '') this.jar.delete(name); else this.jar.set(name, value);
    }
  }

  async request(url, init = {}) {
    const headers = { ...(init.headers ?? {}) };
    if (this.jar.size) headers.cookie = this.cookieHeader();
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.store(res);
    return res;
  }
}

function pkcePair() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authUrl(op, {
  redirectUri = REDIRECT_URI, loginHint, challenge, state, nonce, scope = 'openid profile', extra = {},
}) {
  const u = new URL(`${op.issuer}/auth`);
  u.search = new URLSearchParams({
    client_id: op.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    ...(loginHint ? { login_hint: loginHint } : {}),
    ...extra,
  });
  return u.href;
}

/**
 * Follows redirects from the authorization endpoint. When the login form is shown and
 * `formLogin` is given, submits it. Resolves with the final redirect_uri URL.
 */
async function authorize(op, agent, opts) {
  let url = authUrl(op, opts);
  const redirectUri = opts.redirectUri ?? REDIRECT_URI;
  for (let hop = 0; hop < 15; hop += 1) {
    if (url.startsWith(redirectUri)) return { callback: new URL(url) };
    const res = await agent.request(url);
    if ([302, 303].includes(res.status)) {
      url = new URL(res.headers.get('location'), url).href;
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    if (res.status === 200 && html.includes('id="login-form"') && opts.formLogin) {
      const action = /<form id="login-form" method="post" action="([^"]+)"/.exec(html)[1];
      const post = await agent.request(new URL(action, url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: opts.formLogin }),
      });
      if (post.status !== 303) return { status: post.status, html: await post.text() };
      url = new URL(post.headers.get('location'), url).href;
      continue;
    }
    return { status: res.status, html, url };
  }
  throw new Error('too many redirects');
}

async function exchange(op, code, verifier, { auth = 'basic', redirectUri = REDIRECT_URI } = {}) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
  });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') {
    const cred = `${encodeURIComponent(op.clientId)}:${encodeURIComponent(op.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(cred).toString('base64')}`;
  } else {
    body.set('client_id', op.clientId);
    body.set('client_secret', op.clientSecret);
  }
  const res = await fetch(`${op.issuer}/token`, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

/** Full code + PKCE flow, returns tokens and what was sent. */
async function fullFlow(op, { user = 'user-sato', viaForm = false, auth = 'basic' } = {}) {
  const agent = new Agent();
  const { verifier, challenge } = pkcePair();
  const state = crypto.randomBytes(12).toString('base64url');
  const nonce = crypto.randomBytes(12).toString('base64url');
  const r = await authorize(op, agent, {
    challenge, state, nonce, ...(viaForm ? { formLogin: user } : { loginHint: user }),
  });
  assert.ok(r.callback, `expected a redirect to the callback, got ${r.status} ${r.html?.slice(0, 300)}`);
  assert.equal(r.callback.searchParams.get('state'), state);
  assert.equal(r.callback.searchParams.get('iss'), op.issuer);
  const code = r.callback.searchParams.get('code');
  assert.ok(code, `no code in ${r.callback}`);
  const tok = await exchange(op, code, verifier, { auth });
  assert.equal(tok.status, 200, JSON.stringify(tok.json));
  return { ...tok.json, nonce, state, agent };
}

// ---------------------------------------------------------------------------
let op;
let JWKS;
let discovery;

before(async () => {
  op = await startOidcProvider({ stderr: 'pipe' });
  JWKS = createRemoteJWKSet(new URL(`${op.issuer}/jwks`));
});

after(async () => {
  const { code, signal } = await op.stop();
  assert.equal(signal, null, 'provider should exit by itself on SIGTERM');
  assert.equal(code, 0, 'provider should exit 0 on SIGTERM');
  assert.deepEqual(op.extraStdout, [], 'provider must print nothing else on stdout');
});

describe('discovery and keys', () => {
  test('discovery document', async () => {
    const res = await fetch(`${op.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    discovery = await res.json();
    assert.equal(discovery.issuer, op.issuer);
    assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(discovery.authorization_endpoint, `${op.issuer}/auth`);
    assert.equal(discovery.token_endpoint, `${op.issuer}/token`);
    assert.equal(discovery.jwks_uri, `${op.issuer}/jwks`);
    assert.equal(discovery.userinfo_endpoint, `${op.issuer}/me`);
    assert.deepEqual(discovery.response_types_supported, ['code']);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
    assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
    assert.ok(discovery.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    assert.ok(discovery.token_endpoint_auth_methods_supported.includes('client_secret_post'));
    assert.ok(discovery.scopes_supported.includes('openid'));
    assert.ok(discovery.scopes_supported.includes('profile'));
  });

  test('JWKS has exactly one public RSA signing key', async () => {
    const jwks = await (await fetch(`${op.issuer}/jwks`)).json();
    assert.equal(jwks.keys.length, 1);
    const [k] = jwks.keys;
    assert.equal(k.kty, 'RSA');
    assert.equal(k.alg, 'RS256');
    assert.equal(k.use, 'sig');
    assert.ok(k.kid);
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[priv], undefined);
  });
});

describe('authorization code + PKCE over plain HTTP', () => {
  test('login form, client_secret_basic, verified ID token', async () => {
    const t = await fullFlow(op, { user: 'user-sato', viaForm: true });
    const header = decodeProtectedHeader(t.id_token);
    assert.equal(header.alg, 'RS256');
    const { payload } = await jwtVerify(t.id_token, JWKS, {
      issuer: op.issuer, audience: op.clientId, algorithms: ['RS256'],
    });
    assert.equal(payload.sub, 'user-sato');
    assert.equal(payload.nonce, t.nonce);
    assert.equal(payload.name, '佐藤 花子');
    assert.equal(payload.karte_role, 'patient');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(payload.exp > now && payload.iat <= now + 5);
    assert.equal(t.token_type, 'Bearer');
    // userinfo works with the access token
    const ui = await (await fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${t.access_token}` } })).json();
    assert.equal(ui.sub, 'user-sato');
    assert.equal(ui.name, '佐藤 花子');

    // The session cookie works over http: a second request logs in silently.
    const { verifier, challenge } = pkcePair();
    const r2 = await authorize(op, t.agent, { challenge, state: 's2', nonce: 'n2' });
    assert.ok(r2.callback, 'second authorization should not show the login form');
    const t2 = await exchange(op, r2.callback.searchParams.get('code'), verifier);
    assert.equal(decodeJwt(t2.json.id_token).sub, 'user-sato');
  });

  test('login_hint completes the interaction without a form; client_secret_post', async () => {
    const t = await fullFlow(op, { user: 'user-suzuki', auth: 'post' });
    const { payload } = await jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
    assert.equal(payload.sub, 'user-suzuki');
    assert.equal(payload.name, '鈴木 一郎');
    assert.equal(payload.nonce, t.nonce);
  });

  test('every account can log in', async () => {
    for (const sub of ['user-sato', 'user-suzuki', 'user-tanaka', 'user-stranger']) {
      const t = await fullFlow(op, { user: sub });
      const { payload } = await jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
      assert.equal(payload.sub, sub);
      assert.ok(payload.name);
    }
  });

  test('unknown user in the form is rejected with 401 and #login-error', async () => {
    const { challenge } = pkcePair();
    const r = await authorize(op, new Agent(), { challenge, state: 's', nonce: 'n', formLogin: 'user-nobody' });
    assert.equal(r.status, 401);
    assert.match(r.html, /id="login-error"/);
  });

  test('cancel button ends in error=access_denied at the redirect_uri', async () => {
    const agent = new Agent();
    let res = await agent.request(authUrl(op, { challenge: pkcePair().challenge, state: 'sx', nonce: 'n' }));
    const interaction = new URL(res.headers.get('location'), op.issuer).href;
    res = await agent.request(interaction);
    assert.equal(res.status, 200);
    await res.text();
    res = await agent.request(`${interaction}/abort`, { method: 'POST' });
    assert.equal(res.status, 303);
    res = await agent.request(new URL(res.headers.get('location'), op.issuer).href);
    const cb = new URL(res.headers.get('location'));
    assert.equal(cb.origin + cb.pathname, REDIRECT_URI);
    assert.equal(cb.searchParams.get('error'), 'access_denied');
    assert.equal(cb.searchParams.get('state'), 'sx');
  });

  test('PKCE is required and checked', async () => {
    // no code_challenge -> error redirect
    const r = await authorize(op, new Agent(), { state: 's', nonce: 'n', loginHint: 'user-sato' });
    assert.ok(r.callback);
    assert.equal(r.callback.searchParams.get('error'), 'invalid_request');
    assert.match(r.callback.searchParams.get('error_description'), /PKCE/);
    // wrong verifier -> invalid_grant
    const { challenge } = pkcePair();
    const ok = await authorize(op, new Agent(), { challenge, state: 's', nonce: 'n', loginHint: 'user-sato' });
    const tok = await exchange(op, ok.callback.searchParams.get('code'), pkcePair().verifier);
    assert.equal(tok.status, 400);
    assert.equal(tok.json.error, 'invalid_grant');
  });

  test('wrong client secret is rejected', async () => {
    const { verifier, challenge } = pkcePair();
    const ok = await authorize(op, new Agent(), { challenge, state: 's', nonce: 'n', loginHint: 'user-sato' });
    const bad = { ...op, clientSecret: 'not-the-secret' };
    const tok = await exchange(bad, ok.callback.searchParams.get('code'), verifier);
    assert.equal(tok.status, 401);
    assert.equal(tok.json.error, 'invalid_client');
  });

  test('redirect_uri: any loopback port on /auth/callback, others rejected until added', async () => {
    const { challenge } = pkcePair();
    const any = await authorize(op, new Agent(), {
      challenge, state: 's', nonce: 'n', loginHint: 'user-sato', redirectUri: 'http://127.0.0.1:1/auth/callback',
    });
    assert.ok(any.callback?.searchParams.get('code'));
    const other = 'http://127.0.0.1:45999/other/cb';
    const rejected = await authorize(op, new Agent(), {
      challenge, state: 's', nonce: 'n', loginHint: 'user-sato', redirectUri: other,
    });
    assert.equal(rejected.status, 400);
    assert.match(rejected.html, /redirect_uri/);
    await op.addRedirectUri(other);
    const accepted = await authorize(op, new Agent(), {
      challenge, state: 's', nonce: 'n', loginHint: 'user-sato', redirectUri: other,
    });
    assert.ok(accepted.callback?.searchParams.get('code'));
  });

  test('runtime client via POST /__test/clients', async () => {
    const created = await op.addClient({
      client_id: 'karte-second', client_secret: 'second-secret-0123456789', redirect_uris: ['http://127.0.0.1:*/cb2'],
    });
    assert.equal(created.client_id, 'karte-second');
    const op2 = { ...op, clientId: 'karte-second', clientSecret: 'second-secret-0123456789' };
    const { verifier, challenge } = pkcePair();
    const ru = 'http://127.0.0.1:4000/cb2';
    const r = await authorize(op2, new Agent(), { challenge, state: 's', nonce: 'n', loginHint: 'user-tanaka', redirectUri: ru });
    assert.ok(r.callback, `expected callback, got ${r.status} ${r.html?.slice(0, 400)}`);
    const tok = await exchange(op2, r.callback.searchParams.get('code'), verifier, { redirectUri: ru });
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    const { payload } = await jwtVerify(tok.json.id_token, JWKS, { issuer: op.issuer, audience: 'karte-second' });
    assert.equal(payload.sub, 'user-tanaka');
  });

  test('auto-login switch (admin) logs in without form or hint', async () => {
    await op.setAutoLogin('user-tanaka');
    try {
      const agent = new Agent();
      const { verifier, challenge } = pkcePair();
      const r = await authorize(op, agent, { challenge, state: 's', nonce: 'n' });
      assert.ok(r.callback, 'expected no login form');
      const tok = await exchange(op, r.callback.searchParams.get('code'), verifier);
      assert.equal(decodeJwt(tok.json.id_token).sub, 'user-tanaka');
    } finally {
      await op.setAutoLogin(null);
    }
    const { challenge } = pkcePair();
    const r = await authorize(op, new Agent(), { challenge, state: 's', nonce: 'n' });
    assert.equal(r.status, 200);
    assert.match(r.html, /<input id="login" name="login"/);
  });

  test('OIDC_AUTO_LOGIN env var', async () => {
    const op3 = await startOidcProvider({ env: { OIDC_AUTO_LOGIN: 'user-stranger' }, stderr: 'pipe' });
    try {
      const t = await fullFlow(op3, { user: null });
      assert.equal(decodeJwt(t.id_token).sub, 'user-stranger');
    } finally {
      assert.equal((await op3.stop()).code, 0);
    }
  });
});

describe('misbehaviour switches', () => {
  after(async () => { await op.misbehave('none'); });

  async function tokenFor(mode) {
    await op.misbehave(mode);
    return fullFlow(op, { user: 'user-sato' });
  }
  const sigOnly = (jwt) => compactVerify(jwt, JWKS); // signature check, no claim checks

  test('admin rejects unknown mode', async () => {
    await assert.rejects(op.misbehave('bogus'), /400/);
  });

  test('wrong_nonce: valid signature, different nonce', async () => {
    const t = await tokenFor('wrong_nonce');
    const { payload } = await jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
    assert.ok(payload.nonce);
    assert.notEqual(payload.nonce, t.nonce);
  });

  test('missing_nonce: valid signature, no nonce', async () => {
    const t = await tokenFor('missing_nonce');
    const { payload } = await jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
    assert.equal(payload.nonce, undefined);
  });

  test('wrong_audience: valid signature, aud is another client', async () => {
    const t = await tokenFor('wrong_audience');
    await sigOnly(t.id_token);
    assert.equal(decodeJwt(t.id_token).aud, 'some-other-client');
    await assert.rejects(jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId }),
      (e) => e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'aud');
  });

  test('expired: valid signature, exp in the past', async () => {
    const t = await tokenFor('expired');
    await sigOnly(t.id_token);
    const p = decodeJwt(t.id_token);
    const now = Math.floor(Date.now() / 1000);
    assert.ok(p.exp < now - 60, `exp ${p.exp} should be in the past`);
    assert.ok(p.iat < p.exp);
    assert.equal(p.nonce, t.nonce);
    await assert.rejects(jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId }),
      joseErrors.JWTExpired);
  });

  test('wrong_issuer: valid signature, iss differs', async () => {
    const t = await tokenFor('wrong_issuer');
    await sigOnly(t.id_token);
    const p = decodeJwt(t.id_token);
    assert.notEqual(p.iss, op.issuer);
    await assert.rejects(jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId }),
      (e) => e instanceof joseErrors.JWTClaimValidationFailed && e.claim === 'iss');
  });

  test('alg_none: unsigned token', async () => {
    const t = await tokenFor('alg_none');
    assert.equal(decodeProtectedHeader(t.id_token).alg, 'none');
    assert.ok(t.id_token.endsWith('.'), 'empty signature part');
    const p = decodeJwt(t.id_token);
    assert.equal(p.iss, op.issuer);
    assert.equal(p.nonce, t.nonce);
    await assert.rejects(jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId }));
  });

  test('bad_signature: correct claims, signature from an unpublished key', async () => {
    const t = await tokenFor('bad_signature');
    const p = decodeJwt(t.id_token);
    assert.equal(p.iss, op.issuer);
    assert.equal(p.nonce, t.nonce);
    await assert.rejects(sigOnly(t.id_token), joseErrors.JWSSignatureVerificationFailed);
  });

  test('none restores valid tokens; once=true affects only the next token', async () => {
    await op.misbehave('none');
    let t = await fullFlow(op);
    await jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
    await op.misbehave('wrong_issuer', { once: true });
    t = await fullFlow(op);
    assert.notEqual(decodeJwt(t.id_token).iss, op.issuer);
    t = await fullFlow(op);
    const { payload } = await jwtVerify(t.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
    assert.equal(payload.nonce, t.nonce);
    assert.equal((await op.state()).mode, 'none');
  });
});

describe('browser (Chromium via playwright-core)', () => {
  test('walks the login form to the redirect_uri', async () => {
    const { chromium } = await import('playwright-core');
    const hits = [];
    const rp = http.createServer((req, res) => {
      const u = new URL(req.url, 'http://127.0.0.1');
      if (u.pathname === '/auth/callback') hits.push(u); // ignore /favicon.ico
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>callback</title><p id="done">callback received</p>');
    });
    await new Promise((r) => rp.listen(0, '127.0.0.1', r));
    const redirectUri = `http://127.0.0.1:${rp.address().port}/auth/callback`;
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'karte-oidc-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = context.pages()[0] ?? await context.newPage();
      const { verifier, challenge } = pkcePair();
      await page.goto(authUrl(op, { redirectUri, challenge, state: 'browser-state', nonce: 'browser-nonce' }));
      await page.locator('input[name="login"]').fill('user-tanaka');
      await Promise.all([
        page.waitForURL((u) => u.href.startsWith(redirectUri)),
        page.locator('#login-form button[type="submit"]').click(),
      ]);
      await page.locator('#done').waitFor();
      assert.equal(hits.length, 1);
      const cb = hits[0];
      assert.equal(cb.pathname, '/auth/callback');
      assert.equal(cb.searchParams.get('state'), 'browser-state');
      const tok = await exchange(op, cb.searchParams.get('code'), verifier, { redirectUri });
      assert.equal(tok.status, 200, JSON.stringify(tok.json));
      const { payload } = await jwtVerify(tok.json.id_token, JWKS, { issuer: op.issuer, audience: op.clientId });
      assert.equal(payload.sub, 'user-tanaka');
      assert.equal(payload.nonce, 'browser-nonce');
      assert.equal(payload.name, '田中 美咲');

      // Session cookie survived in Chromium over plain http: no form the second time.
      const p2 = pkcePair();
      await page.goto(authUrl(op, { redirectUri, challenge: p2.challenge, state: 'again', nonce: 'n2' }));
      await page.waitForURL((u) => u.href.startsWith(redirectUri));
      assert.equal(hits.length, 2);
      assert.equal(hits[1].searchParams.get('state'), 'again');
      const cookies = await context.cookies(op.issuer);
      const session = cookies.find((c) => c.name === '_session');
      assert.ok(session, 'session cookie set');
      assert.equal(session.secure, false);
    } finally {
      await context.close();
      rp.close();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
});
