// `npm run bench:datastore`: the datastore against SQLite itself, side by side in one run (docs/benchmarks.md).
// 1. Ingest rows/s of generated CSVs (~15 MB / 150 k rows, and ~200 MB / 1.9 M rows) through the real path: R2 object →
//    queue → ingest job in workerd (`wrangler dev`) → local D1; versus `sqlite3 .import --csv` of the same file, alone
//    and followed by the indexes our ingest builds.
// 2. datastore_search with a filter and a q on the large table: p50 over HTTP versus the same SQL (rows + count)
//    run by the sqlite3 CLI on a plain database indexed the same way (category index, FTS5 over the text columns).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { createWriteStream, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { ensureLocalSecrets, ROOT } from '../lib/local-config';
import { importCatalogueFile } from '../lib/import-client';
import { mulberry32 } from '../lib/prng';

const PORT = Number(process.env.PORT ?? 8862);
const HOOK_PORT = Number(process.env.REBUILD_HOOK_PORT ?? 8863);
const SMALL_ROWS = Number(process.env.BENCH_SMALL_ROWS ?? 150_000);
const LARGE_ROWS = Number(process.env.BENCH_LARGE_ROWS ?? 1_900_000);
const QUERIES = 30;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const WRANGLER = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js');
const secrets = ensureLocalSecrets();
const work = mkdtempSync(join(tmpdir(), 'bench-datastore-'));
const state = join(work, 'state');
const log = (message: string) => console.log(`[bench:datastore] ${message}`);

const COMMUNES = ['Montpellier', 'Nîmes', 'Alès', 'Béziers', 'Sète', 'Lunel', 'Uzès', 'Agde', 'Lodève', 'Bagnols-sur-Cèze', 'Beaucaire', 'Pézenas'];
const CATEGORIES = ['voirie', 'eclairage', 'espaces-verts', 'proprete', 'eau', 'assainissement', 'batiments', 'sport', 'culture', 'ecoles'];
const WORDS = ['fontaine', 'trottoir', 'lampadaire', 'banc', 'arbre', 'fuite', 'graffiti', 'nid-de-poule', 'chaussée', 'poubelle',
  'signalement', 'réparation', 'urgent', 'quartier', 'rue', 'place', 'école', 'parc', 'stade', 'bibliothèque', 'devant', 'près', 'de', 'la', 'le'];

/** A realistic CSV: commune, INSEE code (text: leading zeros), ISO date, category, two decimals, free text. */
async function makeCsv(path: string, rows: number, seed: number): Promise<number> {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const out = createWriteStream(path);
  let chunk = 'commune,code_insee,date,categorie,montant,surface,commentaire\n';
  for (let i = 0; i < rows; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 2000) * 86_400_000).toISOString().slice(0, 10);
    const words = Array.from({ length: 5 + Math.floor(random() * 6) }, () => pick(WORDS)).join(' ');
    chunk += `${pick(COMMUNES)},0${String(1000 + Math.floor(random() * 8999))},${day},${pick(CATEGORIES)},${(random() * 10000).toFixed(2)},${(random() * 500).toFixed(1)},"${words}"\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return statSync(path).size;
}

function run(command: string, args: string[], input?: string): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return { ms: performance.now() - started, stdout: result.stdout };
}

const wrangler = (args: string[]) => run(process.execPath, [WRANGLER, ...args]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function waitFor<T>(probe: () => Promise<T | null>, what: string, timeoutMs = 30 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const operator = { authorization: `Bearer ${secrets.OPERATOR_TOKEN}` };

interface Status { state: string; rowsLoaded: number; report: { rows: number; durationMs: number; errors: string[]; phasesMs: Record<string, number> } | null }

/** Puts the big file at the resource's R2 key, asks for an ingest and waits for its report. */
async function ingest(resourceId: string, fileKey: string, csv: string): Promise<{ rows: number; ms: number; wallMs: number; phases: Record<string, number> }> {
  wrangler(['r2', 'object', 'put', `portail-files/${fileKey}`, '--file', csv, '--local', '--persist-to', state]);
  const started = performance.now();
  const request = () => fetch(`${URL_BASE}/api/internal/datastore/${resourceId}/ingest`, { method: 'POST', headers: operator });
  // wrangler dev drops idle kept-alive connections while the CLI works: a POST on such a socket never arrived.
  const response = await request().catch(request);
  if (response.status !== 202) throw new Error(`re-ingest: HTTP ${response.status}`);
  await new Promise((r) => setTimeout(r, 500));
  const status = await waitFor(async () => {
    const s = await (await fetch(`${URL_BASE}/api/datastore/${resourceId}/status`, { headers: operator })).json() as Status;
    return s.state === 'done' || s.state === 'failed' ? s : null;
  }, `ingest of ${resourceId}`);
  if (status.state !== 'done') throw new Error(`ingest failed: ${status.report?.errors.join(' ')}`);
  log(`phases (ms) : ${JSON.stringify(status.report!.phasesMs)}`);
  return { rows: status.report!.rows, ms: status.report!.durationMs, wallMs: performance.now() - started, phases: status.report!.phasesMs };
}

async function main(): Promise<void> {
  log(`dossier de travail ${work}`);
  const small = join(work, 'small.csv');
  const large = join(work, 'large.csv');
  const sizes = { small: await makeCsv(small, SMALL_ROWS, 7), large: await makeCsv(large, LARGE_ROWS, 11) };
  log(`CSV générés : ${SMALL_ROWS} lignes (${(sizes.small / 1e6).toFixed(1)} Mo), ${LARGE_ROWS} lignes (${(sizes.large / 1e6).toFixed(1)} Mo)`);

  // Reference: sqlite3's own CSV import into a plain database, then the same indexes our ingest builds.
  const reference = { small: join(work, 'small.sqlite'), large: join(work, 'large.sqlite') };
  const importSmall = run('sqlite3', [reference.small, '.import --csv ' + small + ' t']).ms;
  const importLarge = run('sqlite3', [reference.large, '.import --csv ' + large + ' t']).ms;
  // The indexes our ingest builds for this file: the two category columns (≤ 1 000 distinct values) and FTS5 over
  // the text columns. Timed apart, for a second, like-for-like reference.
  const indexSql = `CREATE INDEX t_commune ON t (commune);
CREATE INDEX t_cat ON t (categorie);
CREATE VIRTUAL TABLE t_fts USING fts5(commune, code_insee, categorie, commentaire, content='t', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
INSERT INTO t_fts (t_fts) VALUES ('rebuild');`;
  const indexSmall = run('sqlite3', [reference.small], indexSql).ms;
  const indexLarge = run('sqlite3', [reference.large], indexSql).ms;
  log(`sqlite3 .import : ${importSmall.toFixed(0)} ms / ${importLarge.toFixed(0)} ms; the same indexes: ${indexSmall.toFixed(0)} ms / ${indexLarge.toFixed(0)} ms`);

  // The project: wrangler dev (workerd) with fresh local state; a stub rebuild hook so publish jobs end quietly.
  const hook = createServer((req, res) => {
    req.resume();
    res.statusCode = 202;
    res.end();
  });
  await new Promise<void>((r) => hook.listen(HOOK_PORT, '127.0.0.1', r));
  for (const database of ['DB', 'DATASTORE']) wrangler(['d1', 'migrations', 'apply', database, '--local', '--persist-to', state]);
  const dev: ChildProcess = spawn(process.execPath, [WRANGLER, 'dev', '--port', String(PORT), '--ip', '127.0.0.1', '--persist-to', state,
    '--var', `REBUILD_HOOK_URL:http://127.0.0.1:${HOOK_PORT}/rebuild`, '--var', 'DATASTORE_MAX_BYTES:1000000000'],
  { cwd: ROOT, stdio: ['ignore', openSync(join(work, 'wrangler.log'), 'w'), 'inherit'], detached: true });
  try {
    await waitFor(async () => ((await fetch(`${URL_BASE}/api/health`)).ok ? true : null), 'wrangler dev', 120_000);
    const ids = { small: 'b0000000-0000-4000-8000-000000000001', large: 'b0000000-0000-4000-8000-000000000002' };
    writeFileSync(join(work, 'seed.csv'), 'commune,code_insee,date,categorie,montant,surface,commentaire\n');
    writeFileSync(join(work, 'catalogue.json'), JSON.stringify({
      organizations: [{ id: 'a0000000-0000-4000-8000-000000000001', slug: 'bench', legalName: 'Banc d’essai', orgType: 'region' }],
      datasets: [{
        id: 'c0000000-0000-4000-8000-000000000001', slug: 'bench-datastore', title: 'Banc d’essai du datastore', description: 'Données générées.',
        organization: 'bench', licence: 'lov2', updateFrequency: 'annual', granularity: 'commune', geocover: 'bbox', bbox: [1.7, 42.3, 4.9, 45.1],
        dataTypes: ['open'], themes: ['administration-et-action-publique'], tags: ['bench'], dateCreated: '2026-01-01', dateModified: '2026-01-01',
        datePublished: '2026-01-01',
        resources: [
          { id: ids.small, title: 'Petit', format: 'CSV', sourceMode: 'upload', file: 'seed.csv' },
          { id: ids.large, title: 'Grand', format: 'CSV', sourceMode: 'upload', file: 'seed.csv' },
        ],
      }],
      showcases: [],
    }));
    await importCatalogueFile(join(work, 'catalogue.json'), URL_BASE, secrets.OPERATOR_TOKEN, 'bench');
    // The import queues an ingest of the seed files: let it finish before the files are replaced.
    for (const id of Object.values(ids)) {
      await waitFor(async () => {
        const s = await (await fetch(`${URL_BASE}/api/datastore/${id}/status`, { headers: operator })).json() as Status;
        return s.state === 'done' ? s : null;
      }, `seed ingest of ${id}`);
    }
    const keys = JSON.parse(wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--json', '--command',
      'SELECT id, file_key FROM resources']).stdout) as Array<{ results: Array<{ id: string; file_key: string }> }>;
    const keyOf = (id: string) => keys[0]!.results.find((r) => r.id === id)!.file_key;

    const ours = { small: await ingest(ids.small, keyOf(ids.small), small), large: await ingest(ids.large, keyOf(ids.large), large) };
    log(`ingest : ${ours.small.ms} ms / ${ours.large.ms} ms`);

    // Search: a category filter and a word, with the total (CKAN's default), as a client sends it.
    const params = new URLSearchParams({ resource_id: ids.large, filters: JSON.stringify({ categorie: 'voirie' }), q: 'fontaine', limit: '100' });
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < QUERIES + 3; i++) {
      const started = performance.now();
      const body = await (await fetch(`${URL_BASE}/api/3/action/datastore_search?${params}`)).json() as { result: { total: number; records: unknown[] } };
      if (i >= 3) times.push(performance.now() - started);
      total = body.result.total;
    }
    const sql = `SELECT rowid, * FROM t WHERE categorie = 'voirie' AND rowid IN (SELECT rowid FROM t_fts WHERE t_fts MATCH '"fontaine"') ORDER BY rowid LIMIT 100 OFFSET 0;
SELECT count(*) FROM t WHERE categorie = 'voirie' AND rowid IN (SELECT rowid FROM t_fts WHERE t_fts MATCH '"fontaine"');`;
    const cli: number[] = [];
    for (let i = 0; i < QUERIES; i++) cli.push(run('sqlite3', [reference.large], sql).ms);
    const timer = run('sqlite3', [reference.large], `.timer on\n${sql}\n${sql}\n${sql}`).stdout;
    const inProcess = [...timer.matchAll(/Run Time: real ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
    const inProcessPair = median(inProcess.filter((_, i) => i % 2 === 0).map((v, i) => v + (inProcess.filter((_, j) => j % 2 === 1)[i] ?? 0)));

    const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));
    console.log('\n| file | rows | size | ours: ingest (in the job) | phases (read / reload / indexes) | ours rows/s | sqlite3 .import | sqlite3 rows/s | ratio | .import + the same indexes | ratio |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [name, rows, size, mine, theirs, indexes] of [
      ['small', SMALL_ROWS, sizes.small, ours.small, importSmall, indexSmall], ['large', LARGE_ROWS, sizes.large, ours.large, importLarge, indexLarge],
    ] as const) {
      const phases = Object.values(mine.phases).map((ms) => (ms / 1000).toFixed(2)).join(' / ');
      console.log(`| ${name} | ${rows} | ${(size / 1e6).toFixed(1)} MB | ${(mine.ms / 1000).toFixed(1)} s (request → done ${(mine.wallMs / 1000).toFixed(1)} s) | ${phases} s `
        + `| ${rate(mine.rows, mine.ms)} | ${(theirs / 1000).toFixed(2)} s | ${rate(rows, theirs)} | **${(rate(mine.rows, mine.ms) / rate(rows, theirs)).toFixed(2)}** `
        + `| ${((theirs + indexes) / 1000).toFixed(2)} s | **${(rate(mine.rows, mine.ms) / rate(rows, theirs + indexes)).toFixed(2)}** |`);
    }
    console.log(`\ndatastore_search (filter + q, total ${total}) on ${LARGE_ROWS} rows: p50 ${median(times).toFixed(1)} ms over HTTP; `
      + `sqlite3 CLI process p50 ${median(cli).toFixed(1)} ms (query alone ${inProcessPair.toFixed(1)} ms); ratio to the CLI ${(median(times) / median(cli)).toFixed(2)}`);
  } finally {
    if (dev.pid && dev.exitCode === null) process.kill(-dev.pid, 'SIGTERM');
    hook.close();
    if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
