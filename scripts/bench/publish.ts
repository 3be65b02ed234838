// `npm run bench:publish`: resource publishing on the real runtime (wrangler dev: workerd with local D1 and R2).
// 1. Upload throughput of a 100 MB file through the Worker (the upload script's protocol: create, 8 MiB parts,
//    complete with hashing and format recognition) against copying the same file on disk.
// 2. Cron passes over 1,000 due URL resources fetched from a local HTTP server that answers conditional requests as
//    a real one does (ETag, Last-Modified, 304): time, results and workerd memory, against a plain Node loop fetching
//    the same files with the same concurrency; pass 2 beside the figure recorded before conditional requests, and
//    pass 4 (a server ignoring the validators) measuring the old unchanged path in the same run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashPassword } from '../../worker/src/domain/password-hash';
import { ensureLocalSecrets, ROOT } from '../lib/local-config';

const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const PORT = Number(process.env.BENCH_PORT ?? 8850);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const FILE_BYTES = Number(process.env.BENCH_FILE_BYTES ?? 100 * 1000 * 1000);
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 1000);
const work = mkdtempSync(join(tmpdir(), 'portail-bench-publish-'));
const state = join(work, 'state');

function wrangler(args: string[]): string {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`wrangler ${args[0]}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

function sqlFile(statements: string[]): string {
  const path = join(work, `seed-${Math.random().toString(36).slice(2)}.sql`);
  writeFileSync(path, statements.join(';\n') + ';\n');
  return path;
}

/** As worker/src/jobs/sync.ts: fetches side by side in one cron pass. */
const SYNC_CONCURRENCY = 6;
/** The producers' files change between passes 1 and 2 (generation 1); pass 3 (generation 2) changes nothing. */
let generation = 0;
/** Pass 4: the same unchanged files from a server that ignores conditional requests (the path before them). */
let ignoreConditional = false;
/** Pass 2 as docs/benchmarks.md recorded it before conditional requests (every file downloaded and hashed). */
const RECORDED_PASS_2 = { date: '2026-11-28', seconds: 102.1, load: '14–18' };
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** Local D1 keeps one SQLite file per database: the one holding `table` (resource_sync_runs, datastore_resources). */
function databaseFile(table: string): string {
  const dir = join(state, 'v3/d1/miniflare-D1DatabaseObject');
  const file = readdirSync(dir).filter((f) => f.endsWith('.sqlite')).map((f) => join(dir, f))
    .find((f) => sqlite(f, `SELECT count(*) FROM sqlite_master WHERE name = '${table}'`) === '1');
  if (!file) throw new Error(`database with ${table} not found`);
  return file;
}

function sqlite(file: string, query: string): string {
  const result = spawnSync('sqlite3', ['-readonly', file, query], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sqlite3: ${result.stderr}`);
  return result.stdout.trim();
}

function syncCounts(file: string, since: string): { updated: number; unchanged: number; failed: number } {
  const counts = { updated: 0, unchanged: 0, failed: 0 };
  for (const line of sqlite(file, `SELECT result, count(*) FROM resource_sync_runs WHERE started_at >= '${since}' GROUP BY result`).split('\n')) {
    const [result, n] = line.split('|');
    if (result && result in counts) counts[result as keyof typeof counts] = Number(n);
  }
  return counts;
}

/** The reference: the same URLs fetched by a Node loop, same concurrency, each body hashed and written to disk. */
async function referenceLoop(host: string): Promise<number> {
  const dir = mkdtempSync(join(work, 'reference-'));
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: SYNC_CONCURRENCY }, async () => {
    while (next < RESOURCES) {
      const i = next++;
      const response = await fetch(`http://${host}/f/${i}.csv`);
      const body = Buffer.from(await response.arrayBuffer());
      if (!response.ok) continue;
      createHash('sha256').update(body).digest('hex');
      writeFileSync(join(dir, `${i}.csv`), body);
    }
  }));
  return (performance.now() - start) / 1000;
}

/** A GET on a connection of its own: run once, never retried on a pooled connection the server has dropped. */
function trigger(url: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

const rss = (pid: number): number => {
  // Resident memory of a process and its children (wrangler → workerd), in bytes.
  const out = spawnSync('ps', ['-o', 'pid=,ppid=,rss=', '-e'], { encoding: 'utf8' }).stdout.trim().split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, parent] of out) if (tree.has(parent) && !tree.has(p)) (tree.add(p), (grew = true));
  }
  return out.filter(([p]) => tree.has(p) && p !== pid).reduce((sum, [, , kb]) => sum + kb * 1024, 0);
};

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 600_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function cookiesOf(response: Response, jar: Map<string, string>): void {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair!.indexOf('=');
    jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function main(): Promise<void> {
  ensureLocalSecrets();
  // The producers' server: 1,000 small distinct CSV files (~2 kB); in pass 2 one in ten has changed and one in a
  // hundred fails; passes 3 and 4 change nothing. Like nginx, an ETag and a Last-Modified, and 304 when the request's
  // If-None-Match (else If-Modified-Since) shows the client has the current file.
  const producer = createServer((req, res) => {
    const n = Number(/\/f\/(\d+)\.csv$/.exec(req.url ?? '')?.[1] ?? NaN);
    if (Number.isNaN(n)) return void res.writeHead(404).end();
    if (generation === 1 && n % 100 === 7) return void res.writeHead(500).end();
    const changed = generation > 0 && n % 10 === 0;
    const body = `code;valeur\n${n};${'x'.repeat(2000)}${changed ? ';v1' : ''}\n`;
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const lastModified = new Date(Date.UTC(2026, 0, changed ? 2 : 1)).toUTCString();
    res.setHeader('etag', etag);
    res.setHeader('last-modified', lastModified);
    const noneMatch = req.headers['if-none-match'];
    const since = Date.parse(req.headers['if-modified-since'] ?? '');
    const fresh = noneMatch !== undefined ? noneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
      : !Number.isNaN(since) && Date.parse(lastModified) <= since;
    if (fresh && !ignoreConditional) return void res.writeHead(304).end();
    res.setHeader('content-type', 'text/csv');
    res.end(body);
  });
  await new Promise<void>((r) => producer.listen(0, '127.0.0.1', r));
  const producerHost = `127.0.0.1:${(producer.address() as AddressInfo).port}`;

  // DATASTORE too: a synchronised CSV's new version queues its datastore ingest (markQueued writes there).
  for (const database of ['DB', 'DATASTORE']) wrangler(['d1', 'migrations', 'apply', database, '--local', '--persist-to', state]);
  const userId = crypto.randomUUID();
  const orgId = crypto.randomUUID();
  const datasetId = crypto.randomUUID();
  const now = new Date().toISOString();
  const password = 'banc de mesure de la publication';
  wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', sqlFile([
    `INSERT INTO organizations (id, slug, legal_name, org_type, created_at, updated_at) VALUES ('${orgId}', 'banc', 'Banc de mesure', 'autre', '${now}', '${now}')`,
    `INSERT INTO users (id, username, email, password_hash, email_confirmed_at, terms_version, terms_accepted_at, created_at, updated_at) VALUES ('${userId}', 'banc', 'banc@example.org', '${await hashPassword(password)}', '${now}', '2026-01', '${now}', '${now}', '${now}')`,
    `INSERT INTO memberships (user_id, organization_id, role, created_at) VALUES ('${userId}', '${orgId}', 'referent', '${now}')`,
    `INSERT INTO datasets (id, slug, title, organization_id, creator_user_id, licence_id, date_created, date_modified, date_published, published, created_at, updated_at) VALUES ('${datasetId}', 'banc', 'Banc', '${orgId}', '${userId}', 'lov2', '2026-01-01', '2026-01-01', '2026-01-01', 0, '${now}', '${now}')`,
  ])]);

  const dev: ChildProcess = spawn(process.execPath, [WRANGLER, 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--persist-to', state, '--test-scheduled',
    '--var', `ALLOW_PRIVATE_FETCH_FOR_TESTS:${producerHost}`, '--var', `PORTAL_PUBLIC_URL:${ORIGIN}`],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const stop = () => {
    if (dev.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
    producer.close();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stop(), process.exit(1)));
  try {
    await waitFor(async () => ((await fetch(`${ORIGIN}/api/health`)).ok ? true : undefined), 'wrangler dev');

    // Sign in as a browser does: CSRF cookie from the form, then the form post.
    const jar = new Map<string, string>();
    const loginForm = await fetch(`${ORIGIN}/user/login`);
    cookiesOf(loginForm, jar);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginForm.text())![1]!;
    const login = await fetch(`${ORIGIN}/user/login`, {
      method: 'POST', redirect: 'manual', headers: { origin: ORIGIN, cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, identifier: 'banc', password, next: '/user' }),
    });
    if (login.status !== 303) throw new Error(`sign-in failed: ${login.status}`);
    cookiesOf(login, jar);
    const headers = { origin: ORIGIN, cookie: cookieHeader(jar) };

    console.log('signed in; writing the 100 MB file…');
    // 1. Upload throughput.
    const file = join(work, 'gros-fichier.csv');
    const fd = openSync(file, 'w');
    const line = Buffer.from('Montpellier;34172;302454;43.6109;3.8772;donnees de banc de mesure\n');
    const block = Buffer.concat(Array.from({ length: Math.floor((1 << 20) / line.length) }, () => line));
    let written = 0;
    writeSync(fd, 'commune;code;population;lat;lon;note\n');
    while (written < FILE_BYTES - block.length - 64) written += writeSync(fd, block);
    closeSync(fd);
    const bytes = readFileSync(file);

    const copyStart = performance.now();
    copyFileSync(file, join(work, 'copie.csv'));
    const copySeconds = (performance.now() - copyStart) / 1000;

    const base = `${ORIGIN}/user/datasets/${datasetId}/resources/uploads`;
    const form = (fields: Record<string, string>) => {
      const f = new FormData();
      f.set('_csrf', csrf);
      for (const [k, v] of Object.entries(fields)) f.set(k, v);
      return f;
    };
    const uploadStart = performance.now();
    const created = await (await fetch(base, { method: 'POST', headers, body: form({ file_name: 'gros-fichier.csv', size: String(bytes.length) }) }))
      .json() as { uploadId: string; partSize: number };
    for (let i = 0, n = 1; i < bytes.length; i += created.partSize, n++) {
      const part = await fetch(`${base}/${created.uploadId}/parts/${n}`, { method: 'PUT', headers: { ...headers, 'x-csrf-token': csrf }, body: bytes.subarray(i, i + created.partSize) });
      if (!part.ok) throw new Error(`part ${n}: ${part.status} ${await part.text()}`);
    }
    const partsSeconds = (performance.now() - uploadStart) / 1000;
    const completed = await fetch(`${base}/${created.uploadId}/complete`, { method: 'POST', headers, body: form({}) });
    const detection = await completed.json() as { format: string };
    const uploadSeconds = (performance.now() - uploadStart) / 1000;
    if (detection.format !== 'CSV') throw new Error(`unexpected detection ${JSON.stringify(detection)}`);
    const mb = bytes.length / 1e6;

    console.log(`upload ${Math.round(mb)} MB through the Worker: ${uploadSeconds.toFixed(2)} s (${(mb / uploadSeconds).toFixed(1)} MB/s; parts ${partsSeconds.toFixed(2)} s); disk copy ${copySeconds.toFixed(3)} s (${(mb / copySeconds).toFixed(0)} MB/s); ratio ${(uploadSeconds / copySeconds).toFixed(0)}×`);
    // 2. Cron passes over 1,000 due URL resources. Pass 1: never synchronised, every file is new and becomes a
    //    version. Pass 2 (all made due again): one file in ten has changed, one in a hundred answers 500.
    const rows = Array.from({ length: RESOURCES }, (_, i) =>
      `INSERT INTO resources (id, dataset_id, position, title, format, source_mode, source_url, sync_frequency, created_at, modified_at) VALUES ('${crypto.randomUUID()}', '${datasetId}', ${i}, 'Ressource ${i}', 'CSV', 'url_download', 'http://${producerHost}/f/${i}.csv', 'daily', '${now}', '${now}')`);
    wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', sqlFile(rows)]);
    const db = databaseFile('resource_sync_runs');
    const datastore = databaseFile('datastore_resources');
    const pass = async (label: string) => {
      await ingestsDone();
      const loadBefore = load();
      const baseline = rss(dev.pid!);
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(dev.pid!))), 100);
      const since = new Date().toISOString();
      const start = performance.now();
      // wrangler dev --test-scheduled: /__scheduled runs the Worker's scheduled handler. (Miniflare's
      // /cdn-cgi/handler/scheduled calls the entry worker, which with [assets] is the asset router: it has no
      // scheduled handler and answers "exception" without reaching ours.)
      const triggered = await trigger(`${ORIGIN}/__scheduled?cron=${encodeURIComponent('0 * * * *')}`);
      if (triggered.status !== 200) throw new Error(`wrangler dev refused the scheduled trigger: HTTP ${triggered.status} ${triggered.body}`);
      // The handler's work runs in waitUntil: done when every resource has a run recorded since the trigger.
      const counts = await waitFor(async () => {
        const c = syncCounts(db, since);
        return c.updated + c.unchanged + c.failed >= RESOURCES ? c : undefined;
      }, `cron ${label}`);
      const seconds = (performance.now() - start) / 1000;
      clearInterval(sampler);
      const figures = { resources: RESOURCES, ...counts, seconds: +seconds.toFixed(2), perSecond: +(RESOURCES / seconds).toFixed(0),
        workerdRssBeforeMB: Math.round(baseline / 1e6), workerdRssPeakMB: Math.round(peak / 1e6), loadBefore, loadAfter: load() };
      console.log(`cron ${label}: ${RESOURCES} due URL resources in ${figures.seconds} s (${figures.perSecond} fetches/s): ${counts.updated} fetched and stored, ${counts.unchanged} unchanged, ${counts.failed} failed; workerd RSS ${figures.workerdRssBeforeMB} → peak ${figures.workerdRssPeakMB} MB; load average ${loadBefore} → ${figures.loadAfter}`);
      return figures;
    };
    // The previous pass's datastore ingest jobs may still hold the local database: retry while it answers SQLITE_BUSY.
    // A new CSV version queues its datastore ingest, run by the same workerd: a pass starts once they are done, so
    // it is not charged with the previous pass's ingests.
    const ingestsDone = () => waitFor(async () =>
      sqlite(datastore, "SELECT count(*) FROM datastore_resources WHERE job_state IN ('queued', 'running')") === '0' ? true : undefined, 'the ingest jobs');
    const makeAllDue = () => waitFor(async () => {
      wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--command', 'UPDATE resources SET last_sync_at = NULL']);
      return true;
    }, 'the local database to make every resource due (SQLITE_BUSY while ingest jobs run)', 120_000);
    const first = await pass('pass 1 (all new)');
    const firstReference = await referenceLoop(producerHost);
    generation = 1;
    await makeAllDue();
    const second = await pass('pass 2 (10 % changed, 1 % failing)');
    const secondReference = await referenceLoop(producerHost);
    console.log(`pass 2 with conditional requests: ${second.seconds} s (${second.unchanged} unchanged); recorded ${RECORDED_PASS_2.date} without them: ${RECORDED_PASS_2.seconds} s (load average ${RECORDED_PASS_2.load}); load average in this pass ${second.loadBefore} → ${second.loadAfter}`);
    generation = 2;
    await makeAllDue();
    const third = await pass('pass 3 (nothing changed)');
    const thirdReference = await referenceLoop(producerHost);
    ignoreConditional = true;
    await makeAllDue();
    const fourth = await pass('pass 4 (nothing changed, server ignoring If-None-Match: every file downloaded and hashed)');
    const fourthReference = await referenceLoop(producerHost);
    const passes = [['pass 1', first, firstReference], ['pass 2', second, secondReference], ['pass 3', third, thirdReference],
      ['pass 4', fourth, fourthReference]] as const;
    for (const [label, worker, reference] of passes) {
      console.log(`${label} reference: plain Node loop, same ${RESOURCES} URLs, ${SYNC_CONCURRENCY} at a time, fetch + SHA-256 + write to disk: ${reference.toFixed(2)} s (${(RESOURCES / reference).toFixed(0)}/s); cron pass / reference ${(worker.seconds / reference).toFixed(1)}×`);
    }
    const figures = {
      upload: { megabytes: Math.round(mb), partsSeconds: +partsSeconds.toFixed(2), totalSeconds: +uploadSeconds.toFixed(2), throughputMBs: +(mb / uploadSeconds).toFixed(1),
        diskCopySeconds: +copySeconds.toFixed(3), diskThroughputMBs: +(mb / copySeconds).toFixed(0), ratio: +(uploadSeconds / copySeconds).toFixed(0) },
      cron: passes.map(([, w, reference]) => ({ ...w, referenceSeconds: +reference.toFixed(2), ratio: +(w.seconds / reference).toFixed(1) })),
      recordedPass2WithoutConditional: RECORDED_PASS_2,
    };
    console.log(JSON.stringify(figures));
  } finally {
    stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message, error.cause ?? '');
  process.exitCode = 1;
});
