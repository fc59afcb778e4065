// Starts the real Karte server on a free port with a fresh SQLite database, and a real
// headless Debian Chromium driven by playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const screenshotDir = path.join(repoRoot, 'e2e', 'screenshots');

function karteBin() {
  if (process.env.KARTE_BIN) return process.env.KARTE_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target');
  return path.join(targetDir, 'debug', 'karte');
}

/** Starts `karte serve` and resolves once it prints its address. */
export async function startServer({ demo = true, env = {} } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'karte-e2e-'));
  const args = ['serve', '--addr', '127.0.0.1:0'];
  if (demo) args.push('--demo');
  const childEnv = { ...process.env, KARTE_DATA_DIR: dataDir, KARTE_SITE_ROOT: path.join(repoRoot, 'dist'), KARTE_DEV_LOGIN: '1', ...env };
  if (!env.KARTE_DATABASE_URL) delete childEnv.KARTE_DATABASE_URL;
  const child = spawn(karteBin(), args, {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => logs.push(chunk));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${logs.join('')}`)), 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/[\d.]+:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${logs.join('')}`)); });
  });
  return {
    url,
    logs,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A fresh headless Chromium profile. */
export async function launchBrowser({ viewport = DESKTOP, javaScriptEnabled = true } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'karte-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport,
    javaScriptEnabled,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  const failedResponses = [];
  page.on('response', (r) => { if (r.status() >= 400) failedResponses.push(r.url()); });
  return {
    failedResponses,
    context,
    page,
    consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage });
}

/** Signs in as a demo person through the dev sign-in (the table on /signin); resolves on the home page. */
export async function signIn(page, server, person) {
  await page.goto(server.url + '/signin');
  await page.locator(`tr[data-person-id="${person}"] button`).click();
  await page.waitForURL(server.url + '/');
}

/** Signs in through the test OIDC provider's login form; resolves on Karte's landing page. */
export async function signInWithOidc(page, server, login, landing = '/link') {
  await page.goto(server.url + '/signin');
  await page.getByTestId('oidc-sign-in').click();
  await page.fill('input#login', login);
  await page.click('button#submit');
  await page.waitForURL(server.url + landing);
}

/** 佐藤 健一's insurance card and birth date, as the demo insurer registered them. */
export const SATO_CARD = { insurer: '01130012', symbol: '4131', number: '20573', branch: '00', birth: '1974-06-12' };

/** Fills in and sends the linking form; resolves on the home page. */
export async function linkByCard(page, server, card, beforeSubmit = async () => {}) {
  await page.getByLabel('保険者番号（6桁または8桁）').fill(card.insurer);
  await page.getByLabel('記号（ない場合は空欄）').fill(card.symbol ?? '');
  await page.getByLabel('被保険者証等の番号').fill(card.number);
  await page.getByLabel('枝番（2桁、ない場合は空欄）').fill(card.branch);
  await page.getByLabel('生年月日').fill(card.birth);
  await beforeSubmit();
  await page.getByRole('button', { name: '確認する' }).click();
  await page.waitForURL(server.url + '/');
}

/** axe-core's violations on the page as it is (rule id, impact and the nodes' selectors). */
export async function axeViolations(page) {
  const { createRequire } = await import('node:module');
  const { readFileSync } = await import('node:fs');
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays as is.
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return result;
}
