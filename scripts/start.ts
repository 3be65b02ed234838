// `npm start`: the whole portal on the real Workers runtime at one local URL.
// Applies D1 migrations, runs `wrangler dev` (workerd with local D1, R2, Queues and cron state under
// .wrangler/), answers the rebuild hook by rebuilding the static site, and seeds the demo catalogue on first run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createServer } from 'node:http';
import { importCatalogueFile } from './lib/import-client';
import { DEMO_CATALOGUE, DIST_DIR, HOOK_PORT, PORT, PORTAL_URL, ROOT, STATE_DIR, ensureLocalSecrets } from './lib/local-config';
import { SiteBuilder, currentBuild } from './lib/site-builder';
import { startSftpServer, type RunningSftpServer } from './sftp/server';
import { DEFAULT_SFTP_PORT } from '../worker/src/domain/sftp';

const secrets = ensureLocalSecrets();
const log = (message: string) => console.log(`[portail] ${message}`);

const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const SFTP_PORT = Number(process.env.SFTP_PORT ?? DEFAULT_SFTP_PORT);
// One public address for the Worker (absolute URLs of the APIs) and the static build (canonical links, sitemap, feeds).
const PUBLIC_URL = (process.env.PORTAL_PUBLIC_URL ??= `http://localhost:${PORT}`);

function wrangler(args: string[]): void {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed`);
}

async function waitForWorker(child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('wrangler dev stopped during start-up');
    try {
      if ((await fetch(`${PORTAL_URL}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** wrangler dev reloads once it sees the new dist/: "ready" means the site is actually served. */
async function waitForSite(): Promise<void> {
  for (;;) {
    try {
      const [home, search] = await Promise.all([fetch(`${PORTAL_URL}/`), fetch(`${PORTAL_URL}/pagefind/pagefind.js`)]);
      if (home.ok && search.ok && home.headers.get('content-type')?.includes('text/html')) return;
    } catch {
      // reloading
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function catalogueStatus(): Promise<{ lastChangeId: number; datasets: number }> {
  const response = await fetch(`${PORTAL_URL}/api/internal/catalogue/status`, { headers: { authorization: `Bearer ${secrets.OPERATOR_TOKEN}` } });
  if (!response.ok) throw new Error(`catalogue status: HTTP ${response.status}`);
  return response.json() as Promise<{ lastChangeId: number; datasets: number }>;
}

const builder = new SiteBuilder(PORTAL_URL, secrets.OPERATOR_TOKEN, (record) =>
  log(`site ${record.incremental ? 'mis à jour' : 'reconstruit'} (modification n° ${record.changeId}) en ${record.seconds.toFixed(1)} s`));

// The rebuild hook the Worker's queue consumer calls (REBUILD_HOOK_URL in wrangler.toml).
const hook = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/status') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ building: builder.building, current: currentBuild(), lastError: builder.lastError }));
    return;
  }
  // POST /rebuild?full=1: a full build even when the site is current (folds the search delta in).
  const url = new URL(req.url ?? '/', 'http://hook');
  if (req.method !== 'POST' || url.pathname !== '/rebuild') {
    res.statusCode = 404;
    res.end();
    return;
  }
  if (req.headers.authorization !== `Bearer ${secrets.REBUILD_HOOK_TOKEN}`) {
    res.statusCode = 401;
    res.end();
    return;
  }
  req.resume();
  builder.request({ full: url.searchParams.get('full') === '1' }).catch((error: Error) => log(`échec de la reconstruction : ${error.message}`));
  res.statusCode = 202;
  res.end('{"accepted":true}');
});

let dev: ChildProcess | undefined;
let sftp: RunningSftpServer | undefined;

function stop(): void {
  if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
  builder.close();
  hook.close();
  void sftp?.close();
}

async function main(): Promise<void> {
  for (const database of ['DB', 'DATASTORE']) wrangler(['d1', 'migrations', 'apply', database, '--local', '--persist-to', STATE_DIR]);
  mkdirSync(DIST_DIR, { recursive: true });
  await new Promise<void>((listening) => hook.listen(HOOK_PORT, '127.0.0.1', listening));

  // Its own process group, so stopping the portal stops wrangler and workerd with it.
  dev = spawn(process.execPath, [WRANGLER, 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--persist-to', STATE_DIR,
    '--var', `REBUILD_HOOK_URL:http://127.0.0.1:${HOOK_PORT}/rebuild`, '--var', `PORTAL_PUBLIC_URL:${PUBLIC_URL}`, '--var', `SFTP_PORT:${SFTP_PORT}`,
    // Mails stay in the local outbox; the dev mailbox shows them so a sign-up can be finished by hand.
    '--var', 'DEV_MAILBOX:on'],
  { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  dev.on('exit', (code) => {
    hook.close();
    void sftp?.close();
    process.exitCode = code ?? 0;
  });

  await waitForWorker(dev);
  sftp = await startSftpServer({ port: SFTP_PORT, host: '127.0.0.1', portalUrl: PORTAL_URL, operatorToken: secrets.OPERATOR_TOKEN,
    hostKeyPath: resolve(STATE_DIR, 'sftp/host_ed25519') });
  log(`serveur SFTP : sftp://localhost:${SFTP_PORT} (identifiants du portail)`);
  const status = await catalogueStatus();
  if (status.datasets === 0) {
    log('catalogue vide : import du catalogue de démonstration…');
    const summary = await importCatalogueFile(DEMO_CATALOGUE, PORTAL_URL, secrets.OPERATOR_TOKEN, 'catalogue de démonstration');
    log(`${summary.datasets} jeux de données, ${summary.resources} ressources importés`);
  }
  const built = currentBuild();
  // Full at start-up: the site code may have changed since the last build.
  if (!built || built.changeId < (await catalogueStatus()).lastChangeId) await builder.request({ full: true });
  await waitForSite();
  log(`portail prêt : http://localhost:${PORT} (e-mails : http://localhost:${PORT}/dev/mailbox)`);
}

main().catch((error: Error) => {
  console.error(`[portail] ${error.message}`);
  stop();
  process.exitCode = 1;
});
