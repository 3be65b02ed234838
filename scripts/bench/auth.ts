// `npm run bench:auth`: what authentication costs in workerd with the production scrypt parameters.
// 1. One password hash: the Worker's hashPassword bundled into a bare Miniflare worker, timed per request against
//    an empty request (workerd's clock does not advance during computation, so it is timed from outside).
// 2. A sign-in round trip against `wrangler dev` (as `npm start` runs it): POST /user/login with the right password.
// 3. The overhead of an API token: GET /api/health with and without a token, interleaved; medians and their ratio.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { hashPassword, PASSWORD_PARAMS } from '../../worker/src/domain/password-hash';
import { generateSecret, hashSecret } from '../../worker/src/domain/secrets';
import { ROOT } from '../lib/local-config';

const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const PORT = Number(process.env.BENCH_PORT ?? 8830);
const URL_BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'une phrase de passe pour le banc';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function hashInWorkerd(work: string): Promise<{ hash: number; empty: number }> {
  const entry = join(work, 'bench-hash.ts');
  writeFileSync(entry, `import { hashPassword, PASSWORD_PARAMS } from ${JSON.stringify(resolve(ROOT, 'worker/src/domain/password-hash.ts'))};
export default { async fetch(request) {
  if (new URL(request.url).pathname === '/hash') return new Response(await hashPassword('${PASSWORD}', PASSWORD_PARAMS));
  return new Response('ok');
} };`);
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', conditions: ['workerd', 'worker'], write: false, logLevel: 'silent' });
  const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, compatibilityDate: '2026-04-01' });
  try {
    await mf.dispatchFetch('http://bench/hash');
    const hash: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < 7; i++) {
      hash.push(await timed(async () => (await mf.dispatchFetch('http://bench/hash')).text()));
      empty.push(await timed(async () => (await mf.dispatchFetch('http://bench/empty')).text()));
    }
    return { hash: median(hash) - median(empty), empty: median(empty) };
  } finally {
    await mf.dispose();
  }
}

function wrangler(args: string[]): void {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  if (result.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(' ')}: ${result.stderr}`);
}

async function waitFor(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function signIn(username: string): Promise<number> {
  const page = await fetch(`${URL_BASE}/user/login`);
  const csrf = /(?:^|;\s*)csrf=([a-z2-7]+)/.exec(page.headers.getSetCookie().join('; '))![1]!;
  await page.text();
  return timed(async () => {
    const response = await fetch(`${URL_BASE}/user/login`, {
      method: 'POST', redirect: 'manual',
      headers: { origin: URL_BASE, cookie: `csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, identifier: username, password: PASSWORD }),
    });
    if (response.status !== 303) {
      const refusal = /<div class="error-summary"[\s\S]*?<p>([^<]*)<\/p>/.exec(await response.text())?.[1];
      throw new Error(`sign-in answered ${response.status}: ${refusal}`);
    }
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'portail-bench-auth-'));
  const state = join(work, 'state');
  console.log(`[bench:auth] scrypt ln=${PASSWORD_PARAMS.logN},r=${PASSWORD_PARAMS.r},p=${PASSWORD_PARAMS.p}`);
  const workerd = await hashInWorkerd(work);
  const nodeTimes: number[] = [];
  for (let i = 0; i < 3; i++) nodeTimes.push(await timed(() => hashPassword(PASSWORD)));
  const nodeHash = median(nodeTimes);
  console.log(`[bench:auth] one hash: workerd ${ms(workerd.hash)} (empty request ${ms(workerd.empty)}), Node ${ms(nodeHash)}`);

  wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  const hash = await hashPassword(PASSWORD);
  const token = generateSecret();
  const now = new Date().toISOString();
  // Sign-in allows 10 attempts per account per quarter of an hour: two accounts give 16 samples.
  const users = ['banc-1', 'banc-2'];
  wrangler(['d1', 'execute', 'portail-catalogue', '--local', '--persist-to', state, '--command',
    users.map((u) => `INSERT INTO users (id, username, email, password_hash, email_confirmed_at, terms_version, created_at, updated_at)
      VALUES ('${u}', '${u}', '${u}@banc.example', '${hash}', '${now}', '2026-01', '${now}', '${now}');`).join('\n')
    + `INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at) VALUES ('t', 'banc-1', 'banc', '${hashSecret(token)}', 'read', '${now}');`]);

  const dev = spawn(process.execPath, [WRANGLER, 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--persist-to', state,
    '--var', `PORTAL_PUBLIC_URL:${URL_BASE}`], { cwd: ROOT, stdio: 'ignore', detached: true });
  try {
    await waitFor(`${URL_BASE}/api/health`);
    await signIn('banc-1');
    const logins: number[] = [];
    for (let i = 0; i < 8; i++) for (const u of users) logins.push(await signIn(u));
    console.log(`[bench:auth] sign-in round trip (wrangler dev): median ${ms(median(logins))} over ${logins.length}`);

    const anonymous: number[] = [];
    const authenticated: number[] = [];
    const get = (headers: Record<string, string>) => timed(async () => {
      const response = await fetch(`${URL_BASE}/api/health`, { headers });
      if (!response.ok) throw new Error(`/api/health answered ${response.status}`);
      await response.text();
    });
    for (let i = 0; i < 20; i++) await get({ authorization: token });
    for (let i = 0; i < 200; i++) {
      anonymous.push(await get({}));
      authenticated.push(await get({ authorization: token }));
    }
    const ratio = median(authenticated) / median(anonymous);
    console.log(`[bench:auth] GET /api/health: anonymous ${ms(median(anonymous))}, with an API token ${ms(median(authenticated))}, ratio ${ratio.toFixed(2)} (200 each, interleaved)`);
  } finally {
    if (dev.pid) process.kill(-dev.pid, 'SIGTERM');
    await new Promise((r) => dev.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`[bench:auth] ${error.message}`);
  process.exitCode = 1;
});
