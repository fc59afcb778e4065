// Helper for tests: start the Karte test OIDC provider as a child process and
// drive its /__test admin API.
//
//   import { startOidcProvider } from '../oidc/launch.mjs';
//   const op = await startOidcProvider({ env: { OIDC_AUTO_LOGIN: 'user-sato' } });
//   ... op.issuer, op.clientId, op.clientSecret ...
//   await op.misbehave('expired');
//   await op.stop();
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import readline from 'node:readline';

const PROVIDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'provider.mjs');
export const DEFAULT_CLIENT_ID = 'karte-test';
export const DEFAULT_CLIENT_SECRET = 'karte-test-secret-0123456789abcdefghijkl';

export async function startOidcProvider({ port = 0, env = {}, timeoutMs = 15000, stderr = 'inherit' } = {}) {
  const child = spawn(process.execPath, [PROVIDER, '--port', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', stderr === 'inherit' ? 'inherit' : 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const extraStdout = []; // any stdout after the ready line would be a provider bug
  const issuer = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    let ready = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('oidc provider did not start in time')); }, timeoutMs);
    rl.on('line', (line) => {
      if (ready) { extraStdout.push(line); return; }
      ready = true;
      clearTimeout(timer);
      const m = /^oidc provider listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) resolve(m[1]); else reject(new Error(`unexpected provider output: ${line}`));
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`oidc provider exited early (${code ?? signal})`)); });
  });

  async function admin(pathname, body) {
    const res = await fetch(`${issuer}${pathname}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  return {
    issuer,
    clientId: env.KARTE_OIDC_CLIENT_ID || process.env.KARTE_OIDC_CLIENT_ID || DEFAULT_CLIENT_ID,
    clientSecret: env.KARTE_OIDC_CLIENT_SECRET || process.env.KARTE_OIDC_CLIENT_SECRET || DEFAULT_CLIENT_SECRET,
    process: child,
    extraStdout,
    state: () => admin('/__test/state'),
    misbehave: (mode, { once = false } = {}) => admin('/__test/misbehave', { mode, once }),
    setAutoLogin: (sub) => admin('/__test/auto-login', { sub: sub ?? null }),
    addRedirectUri: (redirectUri, clientId) => admin('/__test/redirect-uris', { redirect_uri: redirectUri, client_id: clientId }),
    addClient: (metadata) => admin('/__test/clients', metadata),
    reset: () => admin('/__test/reset', {}),
    /** Sends SIGTERM and resolves with { code, signal } once the process is gone. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
