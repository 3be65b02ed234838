// Snapshot → static public site: Astro renders every page while Pagefind indexes the datasets, then the new site
// replaces the old one in a single rename.
//   npx tsx scripts/build-site.ts --snapshot .cache/catalogue.json --out dist
// Prints one JSON line of figures at the end; buildSite() returns them to benchmarks.
//
// Why it is shaped this way (measured with 10 k datasets on two cores: ~19 s, against ~55 s for Astro then
// Pagefind over the HTML):
// - Pagefind is fed records built from the snapshot (site/lib/search-record.ts) instead of parsing the HTML
//   afterwards, so its whole run overlaps Astro's.
// - Dataset pages (all but a few hundred pages) are plain string templates (site/lib/dataset-page.ts) written by
//   a worker thread while the other two run: through Astro each page cost ~3× more (its render pipeline and the
//   garbage it leaves), see docs/decisions.md. The main thread only feeds Pagefind, so its input never runs dry.
// - Astro runs in a child process: its Node flags (a larger young generation cuts GC time by a quarter) and its
//   synchronous file writes stay out of the caller, which may be the long-running start script.
// - Pages are written into a fresh directory, then moved into place entry by entry: on this kind of disk,
//   deleting then rewriting 10 k files in place costs several seconds, and visitors never see a half-built site.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { constants as zlib, gunzipSync } from 'node:zlib';
import type { CatalogueSnapshot } from '../worker/src/domain/snapshot';
import { bundleIslands } from './bundle-islands';
import type { DatasetPagesJob } from './lib/dataset-pages-worker';
import { incrementalBuild, type IncrementalFigures } from './lib/incremental-build';
import { beforeSiteWrites } from './lib/jobs-idle';
import { writeBuildState, type BuildState } from './lib/build-state';
import type { MainIndex } from '../site/lib/site-delta';

export interface BuildSiteOptions {
  snapshotPath: string;
  outDir: string;
}

export interface BuildSiteFigures {
  /** HTML pages written by Astro. */
  pages: number;
  /** Datasets in the search index. */
  indexedPages: number;
  /** Astro's run (every page but the dataset pages), from start to its last page. */
  astroSeconds: number;
  /** Dataset pages written by a worker thread, concurrent with Astro and Pagefind. */
  datasetPagesSeconds: number;
  /** Pagefind's run (records + index files), concurrent with Astro's. */
  pagefindSeconds: number;
  /** Wall clock of the whole build, until the new site is in place. */
  totalSeconds: number;
  /** pages / totalSeconds. */
  pagesPerSecond: number;
  /** Removing the previous site, after the new one is live. */
  cleanupSeconds: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LANG = 'fr';

// The Astro child runs plain Node (the site's TypeScript goes through Vite, not through tsx, whose module hooks
// would cost several CPU-seconds). Astro awaits one mkdir and one writeFile per page; on two cores the thread-pool
// round trips cost more than the writes, and the child does nothing else: synchronous calls are the fast path.
const ASTRO_CHILD = `
import fs from 'node:fs';
fs.promises.mkdir = async (dir, options) => fs.mkdirSync(dir, options);
fs.promises.writeFile = async (file, data, options) => fs.writeFileSync(file, data, options);
const { build } = await import('astro');
await build({ root: process.cwd(), logLevel: 'warn', mode: 'production' });
`;

export const since = (from: number) => Math.round((performance.now() - from) / 10) / 100;

function countHtml(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) count++;
  }
  return count;
}

/** Astro builds an outDir outside its working directory (the repository) through .astro/ and copies all of it,
 * leaving its content-layer files in the site: remove them. */
export function removeAstroLeftovers(out: string): void {
  if (!relative(ROOT, out).startsWith('..')) return;
  for (const name of ['collections', 'content-assets.mjs', 'content-modules.mjs', 'data-store.json']) {
    rmSync(join(out, name), { recursive: true, force: true });
  }
}

/** `env` adds to the child's environment (SITE_ONLY_PAGES for an incremental build). */
export function runAstro(snapshot: string, outDir: string, env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--max-semi-space-size=64', '--input-type=module', '--eval', ASTRO_CHILD], {
      cwd: ROOT,
      // Read by astro.config.mjs (outDir) and site/lib/catalogue.ts (snapshot).
      env: { ...process.env, SITE_OUT_DIR: outDir, CATALOGUE_SNAPSHOT: snapshot, ASTRO_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (code === 0) done(since(started));
      else fail(new Error(`Astro build failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** Pagefind names each page by the hash of its fragment file (`fragment/{id}.pf_fragment`), which is the result
 * id its search returns; the fragment is gzipped `pagefind_dcd` + JSON starting with the page's URL, so the start of
 * each file is enough to map URLs to ids (see docs/decisions.md). */
export function pageIdsByUrl(bundleDir: string): Map<string, string> {
  const dir = join(bundleDir, 'fragment');
  const ids = new Map<string, string>();
  const head = Buffer.alloc(512);
  for (const name of readdirSync(dir)) {
    const fd = openSync(join(dir, name), 'r');
    const length = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const text = gunzipSync(head.subarray(0, length), { finishFlush: zlib.Z_SYNC_FLUSH }).toString('utf8');
    const url = /^pagefind_dcd\{"url":"([^"]+)"/.exec(text)?.[1];
    if (!url) throw new Error(`Pagefind fragment ${name}: no URL at its start`);
    ids.set(url, name.replace(/\.pf_fragment$/, ''));
  }
  return ids;
}

/** Fails the build if Pagefind's pages are not in the records' order: the page list opens Pagefind's metadata
 * file (gzipped `pagefind_dcd` + CBOR), where page ids are the first strings shaped like `{lang}_{hex}`. */
export function checkPageOrder(bundleDir: string, pageIds: string[]): void {
  const metaFile = readdirSync(bundleDir).find((name) => name.endsWith('.pf_meta'));
  if (!metaFile) throw new Error('Pagefind wrote no metadata file');
  const meta = gunzipSync(readFileSync(join(bundleDir, metaFile))).toString('latin1');
  const listed = meta.match(new RegExp(`${LANG}_[0-9a-f]{7,}`, 'g'))?.slice(0, pageIds.length) ?? [];
  if (listed.join() !== pageIds.join()) throw new Error('Pagefind did not keep the order of the records; the facet table needs it');
}

interface SearchFiles {
  seconds: number;
  records: number;
  /** Site path → content, written into the site once Astro is done. */
  files: Record<string, string>;
  /** What a later incremental build merges its delta with and compares the catalogue to. */
  main: MainIndex;
  built: Pick<BuildState, 'shell' | 'datasets'>;
}

async function runPagefind(snapshotPath: string, bundleDir: string): Promise<SearchFiles> {
  const started = performance.now();
  const [pagefind, { searchIndexInput }, { encodeFacetTable, encodeTitleOrder }, { FACET_TABLE_PATH, MIN_KEYWORD_USES, TITLE_ORDER_PATH }, { builtDatasets, dateKey, shellHash, vocabulary }] = await Promise.all([import('pagefind'),
    import('../site/lib/search-record'), import('../site/lib/facet-table'), import('../site/lib/search'), import('../site/lib/site-delta')]);
  try {
    // Pagefind's binary starts while the snapshot is parsed.
    const created = pagefind.createIndex({ forceLanguage: LANG });
    const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as CatalogueSnapshot;
    const { index, errors } = await created;
    if (!index) throw new Error(`Pagefind: ${errors.join('; ')}`);
    const { records, rows, codes, datasets } = searchIndexInput(snapshot, LANG);
    // Pagefind 1.6 numbers pages in the order the records arrive; the facet table relies on it (checked below).
    const added = await Promise.all(records.map((record) => index.addCustomRecord(record)));
    const failed = added.flatMap((r) => r.errors);
    if (failed.length > 0) throw new Error(`Pagefind: ${failed.slice(0, 3).join('; ')}`);
    const writing = index.writeFiles({ outputPath: bundleDir });
    // While Pagefind writes its files.
    const built = { shell: shellHash(snapshot), datasets: builtDatasets(snapshot) };
    const words = [...vocabulary(records.map((r) => r.content))];
    const written = await writing;
    if (written.errors.length > 0) throw new Error(`Pagefind: ${written.errors.join('; ')}`);
    const ids = pageIdsByUrl(bundleDir);
    const pageIds = records.map((r) => ids.get(r.url) ?? '');
    checkPageOrder(bundleDir, pageIds);
    const table = encodeFacetTable(rows, pageIds, codes, (facet, _value, uses) => facet !== 'keyword' || uses >= MIN_KEYWORD_USES);
    return {
      seconds: since(started),
      records: records.length,
      files: { [FACET_TABLE_PATH]: JSON.stringify(table), [TITLE_ORDER_PATH]: JSON.stringify(encodeTitleOrder(rows, table.check)) },
      main: { urls: records.map((r) => r.url), pageIds, rows, dateKeys: datasets.map(dateKey), words },
      built,
    };
  } finally {
    await pagefind.close();
  }
}

/** Renders every dataset page into `dir/dataset/` in a worker thread (scripts/lib/dataset-pages-worker.ts). */
function writeDatasetPages(snapshotPath: string, dir: string): Promise<number> {
  return new Promise((done, fail) => {
    // Workers do not inherit tsx's loader (`--import tsx`): the worker registers it before loading its TypeScript.
    const entry = new URL('./lib/dataset-pages-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { snapshotPath, dir } satisfies DatasetPagesJob });
    let seconds: number | undefined;
    worker.once('message', (value: number) => (seconds = value));
    worker.once('error', fail);
    worker.once('exit', (code) => (code === 0 && seconds !== undefined ? done(seconds) : fail(new Error(`dataset pages: worker exited (${code})`))));
  });
}

/** Moves the dataset pages into the site Astro built (which has a `dataset/` folder only if it had pages there). */
function mergeDatasetPages(pagesDir: string, siteDir: string): void {
  const from = join(pagesDir, 'dataset');
  const to = join(siteDir, 'dataset');
  if (!existsSync(to)) renameSync(from, to);
  else for (const name of readdirSync(from)) renameSync(join(from, name), join(to, name));
  rmSync(pagesDir, { recursive: true, force: true });
}

/** Replaces the site entry by entry, keeping the `out` folder itself: `wrangler dev` watches that folder and
 * loses track of it when it is renamed away, so a whole-folder swap is not always seen. */
function swapEntries(next: string, out: string, previous: string): void {
  mkdirSync(out, { recursive: true });
  mkdirSync(previous, { recursive: true });
  const incoming = new Set(readdirSync(next));
  for (const name of incoming) {
    if (existsSync(join(out, name))) renameSync(join(out, name), join(previous, name));
    renameSync(join(next, name), join(out, name));
  }
  for (const name of readdirSync(out)) {
    if (!incoming.has(name)) renameSync(join(out, name), join(previous, name));
  }
  rmSync(next, { recursive: true, force: true });
}

/**
 * The dataset pages' map island (Leaflet + protomaps-leaflet, bundled here so pages load no remote script) and
 * Leaflet's stylesheet.
 */
async function writeLayerMapAssets(dir: string): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [resolve('site/scripts/layer-map.ts')], bundle: true, format: 'esm', minify: true, target: 'es2022',
    outfile: join(dir, 'scripts', 'layer-map.js'), logLevel: 'warning',
  });
  mkdirSync(join(dir, 'styles'), { recursive: true });
  writeFileSync(join(dir, 'styles', 'leaflet.css'), readFileSync(resolve('node_modules/leaflet/dist/leaflet.css')));
}

export async function buildSite({ snapshotPath, outDir }: BuildSiteOptions): Promise<BuildSiteFigures> {
  const started = performance.now();
  const snapshotFile = resolve(snapshotPath);
  const out = resolve(outDir);
  if (!existsSync(snapshotFile)) throw new Error(`snapshot not found: ${snapshotFile}`);

  const stamp = `${process.pid}-${Date.now()}`;
  const next = join(dirname(out), `.${basename(out)}.next-${stamp}`);
  // Pagefind writes beside the site, not into it: Astro's final clean-up removes the empty directories of its
  // outDir, and once removed a directory Pagefind had just created, leaving the Pagefind service hung.
  const bundle = `${next}-pagefind`;
  // Same reason: Astro empties its outDir first.
  const datasetPagesDir = `${next}-datasets`;
  try {
    // Let all four finish before removing their output on failure.
    const [astro, datasetPages, indexing, islands] = await Promise.allSettled([
      runAstro(snapshotFile, next), writeDatasetPages(snapshotFile, datasetPagesDir), runPagefind(snapshotFile, bundle), bundleIslands()]);
    for (const run of [astro, indexing, datasetPages, islands]) if (run.status === 'rejected') throw run.reason;
    const astroSeconds = (astro as PromiseFulfilledResult<number>).value;
    const search = (indexing as PromiseFulfilledResult<SearchFiles>).value;
    const datasetPagesSeconds = (datasetPages as PromiseFulfilledResult<number>).value;
    mergeDatasetPages(datasetPagesDir, next);
    await writeLayerMapAssets(next);
    renameSync(bundle, join(next, 'pagefind'));
    for (const [path, content] of Object.entries(search.files)) writeFileSync(join(next, path), content);
    mkdirSync(join(next, 'scripts'), { recursive: true });
    for (const [path, content] of (islands as PromiseFulfilledResult<Map<string, Uint8Array>>).value) writeFileSync(join(next, path), content);
    removeAstroLeftovers(next);
    const pages = countHtml(next);

    const previous = join(dirname(out), `.${basename(out)}.old-${stamp}`);
    await beforeSiteWrites();
    swapEntries(next, out, previous);
    // The next incremental build starts from this site: no delta yet.
    writeBuildState(out, { main: search.main, ...search.built, delta: [] });
    const totalSeconds = since(started);

    const cleanupStarted = performance.now();
    rmSync(previous, { recursive: true, force: true });
    return {
      pages,
      indexedPages: search.records,
      astroSeconds,
      datasetPagesSeconds,
      pagefindSeconds: search.seconds,
      totalSeconds,
      pagesPerSecond: Math.round(pages / totalSeconds),
      cleanupSeconds: since(cleanupStarted),
    };
  } catch (err) {
    for (const dir of [next, bundle, datasetPagesDir]) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { snapshot: { type: 'string' }, out: { type: 'string' }, incremental: { type: 'boolean' } } });
  const options = { snapshotPath: values.snapshot ?? process.env.CATALOGUE_SNAPSHOT ?? '.cache/catalogue.json', outDir: values.out ?? 'dist' };
  // --incremental: only what the change touches, when the last build left a state to start from; else a full build.
  const figures: BuildSiteFigures | IncrementalFigures | null = values.incremental ? await incrementalBuild(options) : null;
  console.log(JSON.stringify(figures ?? await buildSite(options)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(`build-site: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
