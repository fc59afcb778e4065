// Log canary: drive sign-in (OIDC and dev), a proxy invitation and its acceptance, the access history and an import through
// the real server with debug logging on, then search every log line for values that must never
// be logged: names, birth dates, card numbers, the session cookie, the OIDC client secret, the
// import token, and a marker planted in an imported record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, signIn, repoRoot, signInWithOidc, linkByCard, SATO_CARD } from './harness.mjs';
import { startOidcProvider, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../oidc/launch.mjs';

const IMPORT_TOKEN = 'canary-import-token-7f3a9c2e5b1d4f6a8c0e2b4d';
const RECORD_MARKER = 'カナリア錠99mg「ログ検査」';

let op;
let server;
before(async () => {
  op = await startOidcProvider({ stderr: 'ignore' });
  server = await startServer({
    env: {
      KARTE_LOG: 'debug',
      KARTE_OIDC_ISSUER: op.issuer,
      KARTE_OIDC_CLIENT_ID: DEFAULT_CLIENT_ID,
      KARTE_OIDC_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
      KARTE_IMPORT_CLIENTS: `canary-insurer=${IMPORT_TOKEN}`,
    },
  });
});
after(async () => {
  await server?.stop();
  await op?.stop();
});

test('no name, health value, credential or cookie reaches the log', async () => {
  // An import carrying a unique drug name.
  const example = JSON.parse(readFileSync(path.join(repoRoot, 'docs/examples/batch-example.json'), 'utf8'));
  example.batch_id = 'canary-batch-1';
  example.people[0].drugs[0].drug_name = RECORD_MARKER;
  const res = await fetch(server.url + '/api/v1/import', {
    method: 'POST',
    headers: { Authorization: `Bearer ${IMPORT_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(example),
  });
  assert.equal(res.status, 201, await res.text());
  const bad = await fetch(server.url + '/api/v1/import', { method: 'POST', headers: { Authorization: 'Bearer wrong-' + IMPORT_TOKEN }, body: '{}' });
  assert.equal(bad.status, 401);

  const b = await launchBrowser();
  const cookies = [];
  const secretsSeen = [];
  try {
    await signInWithOidc(b.page, server, 'user-sato');
    await linkByCard(b.page, server, SATO_CARD);
    cookies.push(...(await b.context.cookies(server.url)).map((c) => c.value));
    await b.page.goto(server.url + '/proxies');
    await b.page.check('input[name=kinds][value=drugs]');
    await b.page.fill('#until', '2099-12-31');
    await b.page.getByRole('button', { name: '招待コードを作る' }).click();
    await b.page.waitForURL(/\/proxies\?ok=invited&code=/);
    const code = await b.page.getByTestId('invite-code').textContent();
    secretsSeen.push(code);
    await b.page.goto(server.url + '/access');
    await b.page.getByTestId('access-table').waitFor();
    await b.page.getByTestId('sign-out').click();
    await signIn(b.page, server, 'demo-suzuki');
    await b.page.goto(server.url + '/proxies');
    await b.page.fill('#accept-code', code);
    await b.page.getByRole('button', { name: '内容を確認する' }).click();
    await b.page.getByTestId('offer').waitFor();
    await b.page.getByRole('button', { name: '受け入れる' }).click();
    await b.page.waitForURL(server.url + '/proxies?ok=accepted');
    cookies.push(...(await b.context.cookies(server.url)).map((c) => c.value));
    await b.page.getByTestId('sign-out').click();
    await signIn(b.page, server, 'demo-tanaka-yui');
    cookies.push(...(await b.context.cookies(server.url)).map((c) => c.value));
  } finally {
    await b.close();
  }

  const log = server.logs.join('');
  assert.ok(log.includes('request finished'), 'the log was captured');
  const secrets = [
    '佐藤', '健一', '鈴木', '田中', '結衣', '1974-06-12', '19740612', '20573',
    RECORD_MARKER, IMPORT_TOKEN, DEFAULT_CLIENT_SECRET,
    ...cookies.filter((v) => v.length >= 20),
    ...secretsSeen,
  ];
  // Colour codes off; a number counts only as a whole token, so a timestamp's microseconds or a
  // request id that happen to contain the digits of a card number are not a finding.
  const lines = log.replace(/\x1B\[[0-9;]*m/g, '').split('\n');
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const secret of secrets) {
    const found = /^[0-9-]+$/.test(secret)
      ? (l) => new RegExp(`(?<![0-9A-Za-z.])${escape(secret)}(?![0-9A-Za-z])`).test(l)
      : (l) => l.includes(secret);
    const line = lines.find(found);
    assert.equal(line, undefined, `log line contains a value that must never be logged: ${secret}`);
  }
});
