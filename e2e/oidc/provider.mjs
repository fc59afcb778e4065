#!/usr/bin/env node
// Karte test OpenID Connect provider (built on the npm package `oidc-provider`).
//
//   node e2e/oidc/provider.mjs --port 0
//
// Listens on http://127.0.0.1:PORT only (PORT 0 = a free port), prints exactly one
// line `oidc provider listening on http://127.0.0.1:PORT` to stdout once it is ready,
// and nothing else on stdout (diagnostics go to stderr). Exits 0 on SIGTERM / SIGINT.
// See README.md next to this file for the env vars, admin endpoints, accounts and
// login form selectors.

import http from 'node:http';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';

// Keep stdout reserved for the single "listening" line: oidc-provider prints its
// NOTICEs with console.info, so route console.log/info to stderr.
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

// SIGTERM/SIGINT: stop accepting, drop open connections, exit 0 (also during startup).
let server;
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  if (!server?.listening) process.exit(0);
  // All state is in memory, nothing to flush: close the socket and leave.
  server.close();
  server.closeAllConnections();
  setImmediate(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

const { SignJWT, decodeJwt, decodeProtectedHeader, base64url } = await import('jose');
const { default: Provider } = await import('oidc-provider');

// ---------------------------------------------------------------------------
// CLI / env
// ---------------------------------------------------------------------------
const { values: cli } = parseArgs({
  options: { port: { type: 'string', default: process.env.KARTE_OIDC_PORT ?? '0' } },
  strict: true,
});
const PORT = Number.parseInt(cli.port, 10);
if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) {
  console.error(`invalid --port ${cli.port}`);
  process.exit(2);
}
const HOST = '127.0.0.1';

const CLIENT_ID = process.env.KARTE_OIDC_CLIENT_ID || 'karte-test';
const CLIENT_SECRET = process.env.KARTE_OIDC_CLIENT_SECRET
  || 'karte-test-secret-0123456789abcdefghijkl'; // 40 chars, test only
const REDIRECT_URIS = (process.env.KARTE_OIDC_REDIRECT_URIS || 'http://127.0.0.1:*/auth/callback')
  .split(',').map((s) => s.trim()).filter(Boolean);
const ENV_AUTO_LOGIN = process.env.OIDC_AUTO_LOGIN || process.env.KARTE_OIDC_AUTO_LOGIN || '';

// ---------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------
const ACCOUNTS = {
  'user-sato': {
    name: '佐藤 花子', family_name: '佐藤', given_name: '花子', preferred_username: 'sato',
    email: 'sato@example.test', karte_role: 'patient',
  },
  'user-suzuki': {
    name: '鈴木 一郎', family_name: '鈴木', given_name: '一郎', preferred_username: 'suzuki',
    email: 'suzuki@example.test', karte_role: 'patient',
  },
  'user-tanaka': {
    name: '田中 美咲', family_name: '田中', given_name: '美咲', preferred_username: 'tanaka',
    email: 'tanaka@example.test', karte_role: 'family',
  },
  'user-stranger': {
    name: '見知らぬ 人', family_name: '見知らぬ', given_name: '人', preferred_username: 'stranger',
    email: 'stranger@example.test', karte_role: 'none',
  },
};

// ---------------------------------------------------------------------------
// Mutable test state (changed through /__test/*)
// ---------------------------------------------------------------------------
const MODES = new Set([
  'none', 'wrong_nonce', 'wrong_audience', 'expired', 'wrong_issuer', 'alg_none',
  'bad_signature', 'missing_nonce',
]);
const state = {
  mode: 'none',
  once: false, // when true, mode falls back to 'none' after one ID token
  autoLogin: ENV_AUTO_LOGIN,
  // client_id -> array of allowed redirect URI patterns ('*' matches a port)
  redirectPatterns: new Map([[CLIENT_ID, [...REDIRECT_URIS]]]),
  extraClients: new Map(), // client_id -> Client instance (registered at runtime)
  issued: 0, // ID tokens that went out of the token endpoint
};
if (state.autoLogin && !ACCOUNTS[state.autoLogin]) {
  console.error(`OIDC_AUTO_LOGIN=${state.autoLogin} is not a known account`);
  process.exit(2);
}

function patternMatches(pattern, value) {
  if (!pattern.includes('*')) {
    try { return new URL(pattern).href === new URL(value).href; } catch { return false; }
  }
  // Only the port may be a wildcard: http://127.0.0.1:*/auth/callback
  const m = /^(https?):\/\/([^/:]+):\*(\/.*)?$/.exec(pattern);
  if (!m) return false;
  let u;
  try { u = new URL(value); } catch { return false; }
  if (u.username || u.password || u.hash) return false;
  const path = m[3] ?? '/';
  return u.protocol === `${m[1]}:` && u.hostname === m[2] && /^\d+$/.test(u.port)
    && `${u.pathname}${u.search}` === path;
}

// ---------------------------------------------------------------------------
// Keys: one RSA key generated in memory at start
// ---------------------------------------------------------------------------
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const KID = `karte-test-${crypto.randomBytes(6).toString('hex')}`;
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
// A second key that is NOT published, used by the `bad_signature` mode (made on first use).
let rogueKey;

// ---------------------------------------------------------------------------
// Listen first (port 0 -> real port), then build the provider with the issuer.
// ---------------------------------------------------------------------------
server = http.createServer();
server.keepAliveTimeout = 1000;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(PORT, HOST, () => { server.off('error', reject); resolve(); });
});
const ISSUER = `http://${HOST}:${server.address().port}`;

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: concreteUris(REDIRECT_URIS),
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic', // client_secret_post is accepted too
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingJwk] },
  responseTypes: ['code'],
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'family_name', 'given_name', 'preferred_username', 'karte_role'],
    email: ['email', 'email_verified'],
  },
  conformIdTokenClaims: false, // put profile claims into the ID token too
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: {
    keys: [crypto.randomBytes(32).toString('hex')],
    // plain http on loopback: no Secure flag (oidc-provider only sets it when the
    // request is https) and SameSite=Lax instead of None, because browsers drop
    // SameSite=None cookies that are not Secure.
    long: { httpOnly: true, sameSite: 'lax', signed: true },
    short: { httpOnly: true, sameSite: 'lax', signed: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (ctx, sub) => {
    const claims = ACCOUNTS[sub];
    if (!claims) return undefined;
    return {
      accountId: sub,
      claims: async () => ({ sub, ...claims, email_verified: true }),
    };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><meta charset="utf-8"><title>oidc error</title>
<h1 id="error">${esc(out.error)}</h1><p id="error_description">${esc(out.error_description ?? '')}</p>`;
  },
  logoutSource: async (ctx, form) => {
    // RP-initiated logout confirmation: submit #logout (or POST the form's fields
    // plus logout=yes) to end the session.
    ctx.type = 'html';
    ctx.body = `<!doctype html><meta charset="utf-8"><title>logout</title>${form}
<button id="logout" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`;
  },
  ttl: {
    AccessToken: 3600, AuthorizationCode: 600, IdToken: 3600, Interaction: 3600,
    Session: 86400, Grant: 86400, RefreshToken: 86400,
  },
};

function concreteUris(list) {
  const concrete = list.filter((u) => !u.includes('*'));
  // oidc-provider needs at least one syntactically valid redirect_uri; wildcard
  // patterns are checked by the redirectUriAllowed override below.
  return concrete.length ? concrete : [`http://${HOST}/auth/callback`];
}

const provider = new Provider(ISSUER, configuration);
provider.on('server_error', (ctx, err) => console.error('oidc server_error', err));

// Redirect URI patterns (port wildcard + runtime additions).
{
  const orig = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
    if (orig.call(this, value)) return true;
    const pats = state.redirectPatterns.get(this.clientId) ?? [];
    return pats.some((p) => patternMatches(p, value));
  };
  const origPost = provider.Client.prototype.postLogoutRedirectUriAllowed;
  provider.Client.prototype.postLogoutRedirectUriAllowed = function allowed(value) {
    if (origPost.call(this, value)) return true;
    try {
      const u = new URL(value);
      return u.protocol === 'http:' && u.hostname === HOST; // any loopback page
    } catch { return false; }
  };
  const origFind = provider.Client.find.bind(provider.Client);
  provider.Client.find = async (id) => state.extraClients.get(id) ?? origFind(id);
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readForm(req) {
  return Object.fromEntries(new URLSearchParams(await readBody(req)));
}

async function readJson(req) {
  const text = await readBody(req);
  if (!text.trim()) return {};
  try { return JSON.parse(text); } catch {
    throw Object.assign(new Error('invalid JSON body'), { status: 400 });
  }
}

function isLoopback(addr = '') {
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

async function approveGrant(details, accountId) {
  const { params, prompt } = details;
  let grant;
  if (details.grantId && prompt.name === 'consent') {
    grant = await provider.Grant.find(details.grantId);
  }
  if (!grant || grant.accountId !== accountId) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  if (params.scope) grant.addOIDCScope(String(params.scope));
  if (params.claims) {
    try {
      const c = JSON.parse(params.claims);
      for (const where of ['id_token', 'userinfo']) {
        if (c[where]) grant.addOIDCClaims(Object.keys(c[where]));
      }
    } catch { /* ignore malformed claims */ }
  }
  const d = prompt.details ?? {};
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  if (d.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

async function finish(ctx, result) {
  const url = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(url);
}

async function finishLogin(ctx, details, accountId) {
  const grantId = await approveGrant(details, accountId);
  await finish(ctx, { login: { accountId }, consent: { grantId } });
}

function loginPage(uid, details, { error = '', value = '', status = 200 } = {}) {
  const client = esc(details.params.client_id ?? '');
  const users = Object.entries(ACCOUNTS).map(([sub, a]) => (
    `<li><code class="account" data-sub="${esc(sub)}">${esc(sub)}</code> ${esc(a.name)}</li>`
  )).join('\n');
  return {
    status,
    body: `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>Karte test OIDC login</title></head>
<body>
<h1 id="title">Karte test OIDC provider — sign in</h1>
<p>Client: <code id="client">${client}</code></p>
${error ? `<p id="login-error" role="alert">${esc(error)}</p>` : ''}
<form id="login-form" method="post" action="/interaction/${esc(uid)}/login" autocomplete="off">
  <label for="login">User (sub)</label>
  <input id="login" name="login" type="text" value="${esc(value)}" autofocus required>
  <button id="submit" type="submit">Sign in</button>
</form>
<form id="abort-form" method="post" action="/interaction/${esc(uid)}/abort">
  <button id="cancel" type="submit">Cancel</button>
</form>
<ul id="accounts">
${users}
</ul>
</body></html>`,
  };
}

function sendJson(ctx, status, obj) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(obj);
}

function publicState() {
  return {
    issuer: ISSUER,
    mode: state.mode,
    once: state.once,
    auto_login: state.autoLogin || null,
    issued_id_tokens: state.issued,
    clients: [CLIENT_ID, ...state.extraClients.keys()].map((id) => ({
      client_id: id,
      redirect_uris: state.redirectPatterns.get(id) ?? [],
    })),
    accounts: Object.keys(ACCOUNTS),
    modes: [...MODES],
  };
}

// ---------------------------------------------------------------------------
// ID token tampering (misbehaviour switches)
// ---------------------------------------------------------------------------
async function tamper(idToken, mode) {
  const header = decodeProtectedHeader(idToken);
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'wrong_nonce': claims.nonce = `wrong-${crypto.randomBytes(8).toString('hex')}`; break;
    case 'missing_nonce': delete claims.nonce; break;
    case 'wrong_audience': claims.aud = 'some-other-client'; delete claims.azp; break;
    case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; claims.auth_time = now - 7200; break;
    case 'wrong_issuer': claims.iss = `http://${HOST}:1/wrong-issuer`; break;
    case 'alg_none': {
      const h = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      const p = base64url.encode(JSON.stringify(claims));
      return `${h}.${p}.`;
    }
    case 'bad_signature': break; // same claims, signed below with an unpublished key
    default: return idToken;
  }
  if (mode === 'bad_signature' && !rogueKey) {
    rogueKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
  const key = mode === 'bad_signature' ? rogueKey : privateKey;
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

// ---------------------------------------------------------------------------
// Routes in front of oidc-provider: interactions + /__test admin API
// ---------------------------------------------------------------------------
provider.use(async (ctx, next) => {
  const { path, method } = ctx;

  if (path.startsWith('/__test/')) {
    if (!isLoopback(ctx.req.socket.remoteAddress)) { sendJson(ctx, 403, { error: 'loopback only' }); return; }
    try {
      await adminRoute(ctx, path, method);
    } catch (err) {
      sendJson(ctx, err.status ?? 500, { error: err.message });
    }
    return;
  }

  const m = /^\/interaction\/([^/]+)(\/login|\/abort)?$/.exec(path);
  if (m) {
    ctx.set('cache-control', 'no-store');
    const [, uid, action] = m;
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = `<!doctype html><meta charset="utf-8"><h1 id="error">interaction not found</h1><p>${esc(err.message)}</p>`;
      return;
    }
    if (details.uid !== uid) { ctx.status = 400; ctx.body = 'interaction uid mismatch'; return; }

    if (method === 'GET' && !action) {
      if (details.prompt.name === 'consent') {
        await finishLogin(ctx, details, details.session.accountId);
        return;
      }
      if (details.prompt.name === 'login') {
        const hint = details.params.login_hint;
        if (hint && ACCOUNTS[hint]) { await finishLogin(ctx, details, hint); return; }
        if (state.autoLogin && ACCOUNTS[state.autoLogin]) {
          await finishLogin(ctx, details, state.autoLogin); return;
        }
        const page = loginPage(uid, details, { value: hint ?? '' });
        ctx.status = page.status; ctx.type = 'html'; ctx.body = page.body;
        return;
      }
      await finish(ctx, { error: 'access_denied', error_description: `unsupported prompt ${details.prompt.name}` });
      return;
    }
    if (method === 'POST' && action === '/login') {
      const form = await readForm(ctx.req);
      const login = (form.login ?? '').trim();
      if (!ACCOUNTS[login]) {
        const page = loginPage(uid, details, { error: `unknown user: ${login}`, value: login, status: 401 });
        ctx.status = page.status; ctx.type = 'html'; ctx.body = page.body;
        return;
      }
      await finishLogin(ctx, details, login);
      return;
    }
    if (method === 'POST' && action === '/abort') {
      await finish(ctx, { error: 'access_denied', error_description: 'End-User aborted interaction' });
      return;
    }
    ctx.status = 405;
    return;
  }

  await next();

  // Token endpoint response: apply the misbehaviour switch to the ID token.
  if (path === '/token' && method === 'POST' && ctx.status === 200
      && ctx.body && typeof ctx.body === 'object' && typeof ctx.body.id_token === 'string') {
    state.issued += 1;
    const mode = state.mode;
    if (mode !== 'none') {
      ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, mode) };
      if (state.once) { state.mode = 'none'; state.once = false; }
    }
  }
});

async function adminRoute(ctx, path, method) {
  if (path === '/__test/state' && method === 'GET') { sendJson(ctx, 200, publicState()); return; }

  if (path === '/__test/misbehave' && method === 'POST') {
    const body = await readJson(ctx.req);
    if (!MODES.has(body.mode)) {
      sendJson(ctx, 400, { error: `unknown mode ${JSON.stringify(body.mode)}`, modes: [...MODES] });
      return;
    }
    state.mode = body.mode;
    state.once = body.mode !== 'none' && body.once === true;
    sendJson(ctx, 200, { mode: state.mode, once: state.once });
    return;
  }

  if (path === '/__test/auto-login' && method === 'POST') {
    const body = await readJson(ctx.req);
    const sub = body.sub ?? null;
    if (sub !== null && !ACCOUNTS[sub]) { sendJson(ctx, 400, { error: `unknown account ${sub}` }); return; }
    state.autoLogin = sub ?? '';
    sendJson(ctx, 200, { auto_login: sub });
    return;
  }

  if (path === '/__test/redirect-uris' && method === 'POST') {
    const body = await readJson(ctx.req);
    const clientId = body.client_id ?? CLIENT_ID;
    const uri = body.redirect_uri;
    if (!state.redirectPatterns.has(clientId)) { sendJson(ctx, 404, { error: `unknown client ${clientId}` }); return; }
    if (typeof uri !== 'string' || !(uri.includes('*') ? /^https?:\/\/[^/:]+:\*(\/.*)?$/.test(uri) : URL.canParse(uri))) {
      sendJson(ctx, 400, { error: 'redirect_uri must be an absolute URL (port may be *)' });
      return;
    }
    const list = state.redirectPatterns.get(clientId);
    if (!list.includes(uri)) list.push(uri);
    sendJson(ctx, 200, { client_id: clientId, redirect_uris: list });
    return;
  }

  if (path === '/__test/clients' && method === 'POST') {
    const body = await readJson(ctx.req);
    const clientId = body.client_id;
    if (typeof clientId !== 'string' || !clientId) { sendJson(ctx, 400, { error: 'client_id required' }); return; }
    if (clientId === CLIENT_ID) { sendJson(ctx, 409, { error: 'cannot replace the env client' }); return; }
    const uris = Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [];
    if (!uris.length) { sendJson(ctx, 400, { error: 'redirect_uris required' }); return; }
    const metadata = {
      client_id: clientId,
      client_secret: body.client_secret ?? crypto.randomBytes(20).toString('hex'),
      redirect_uris: concreteUris(uris),
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: body.token_endpoint_auth_method ?? 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    };
    let client;
    try {
      client = new provider.Client(metadata); // the constructor validates the metadata
    } catch (err) {
      sendJson(ctx, 400, { error: err.message, error_description: err.error_description }); return;
    }
    state.extraClients.set(clientId, client);
    state.redirectPatterns.set(clientId, [...uris]);
    sendJson(ctx, 201, { client_id: clientId, client_secret: metadata.client_secret, redirect_uris: uris });
    return;
  }

  if (path === '/__test/reset' && method === 'POST') {
    state.mode = 'none';
    state.once = false;
    state.autoLogin = ENV_AUTO_LOGIN;
    state.redirectPatterns = new Map([[CLIENT_ID, [...REDIRECT_URIS]]]);
    state.extraClients.clear();
    sendJson(ctx, 200, publicState());
    return;
  }

  sendJson(ctx, 404, { error: 'unknown admin endpoint' });
}

// ---------------------------------------------------------------------------
// Serve + lifecycle
// ---------------------------------------------------------------------------
server.on('request', provider.callback());

process.stdout.write(`oidc provider listening on ${ISSUER}\n`);
