// `npm run bench:build`: the static catalogue at 1 k and 10 k synthetic datasets.
// Prints, per size: our full build (Astro, the dataset pages and Pagefind concurrently) and dataset pages/s, the
// Pagefind index size, and side by side in the same run the reference pipeline of docs/perf-calibration (Astro
// renders every page, dataset pages included, then `pagefind --site` indexes the HTML) with the ratios; then, at the
// largest size, the bytes Chromium fetches for a first faceted search and publish → visible for one changed dataset,
// both ways in the same run: a full rebuild (one dataset edited → rebuild → swapped in → the new title is served) and
// an incremental build (scripts/lib/incremental-build.ts: the new title is served, then found by the search island).
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { chromium } from 'playwright-core';
import type { BuildSiteFigures } from '../build-site';
import { syntheticSnapshot } from './synthetic-snapshot';

const ROOT = resolve(import.meta.dirname, '../..');
const WORK = resolve(ROOT, '.cache/bench');
const { values } = parseArgs({ options: {
  sizes: { type: 'string', default: '1000,10000' },
  // Measures only the first faceted search of an already built site (10 k synthetic catalogue).
  'search-only': { type: 'string' },
} });
const SIZES = values.sizes!.split(',').map(Number);

function run(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
}

/** One build in a fresh process, like the local builder does. */
async function build(snapshotPath: string, outDir: string): Promise<BuildSiteFigures> {
  const out = await run(['--import', 'tsx', 'scripts/build-site.ts', '--snapshot', snapshotPath, '--out', outDir]);
  return JSON.parse(out.trim().split('\n').pop()!) as BuildSiteFigures;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** The reference's Astro build: a scratch copy of site/ (beside it, so its relative imports still resolve) that
 * renders the dataset pages as Astro pages. */
const REFERENCE_SRC = resolve(ROOT, '.bench-reference-site');

async function referenceAstro(snapshotPath: string, outDir: string): Promise<number> {
  rmSync(REFERENCE_SRC, { recursive: true, force: true });
  cpSync(resolve(ROOT, 'site'), REFERENCE_SRC, { recursive: true });
  copyFileSync(resolve(ROOT, 'scripts/bench/reference/dataset-page.astro'), join(REFERENCE_SRC, 'pages/dataset/[slug].astro'));
  const started = performance.now();
  try {
    await run([resolve(ROOT, 'node_modules/astro/astro.js'), 'build', '--root', ROOT, '--config', 'scripts/bench/reference/astro.config.mjs', '--silent'],
      { REFERENCE_SRC_DIR: REFERENCE_SRC, SITE_OUT_DIR: outDir, CATALOGUE_SNAPSHOT: snapshotPath });
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(REFERENCE_SRC, { recursive: true, force: true });
  }
}

async function referenceIndex(siteDir: string): Promise<number> {
  const started = performance.now();
  await run([resolve(ROOT, 'node_modules/pagefind/lib/runner/bin.cjs'), '--site', siteDir, '--output-subdir', 'pagefind-reference', '--glob', 'dataset/*.html', '--force-language', 'fr', '--silent']);
  const secondsTaken = (performance.now() - started) / 1000;
  rmSync(join(siteDir, 'pagefind-reference'), { recursive: true, force: true });
  return secondsTaken;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.wasm': 'application/wasm',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg']);

/** A static server with the asset server's URL rules (`/x` → `x.html`), for measuring what a browser fetches.
 * Like Cloudflare's edge, it gzips text when asked; Pagefind's own files are already compressed. */
function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const candidates = [join(dir, path), join(dir, `${path}.html`), join(dir, path, 'index.html')];
    const file = candidates.find((c) => c.startsWith(dir) && existsSync(c) && statSync(c).isFile());
    if (!file) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    if (COMPRESSIBLE.has(extname(file)) && /\bgzip\b/.test(String(req.headers['accept-encoding']))) {
      res.setHeader('content-encoding', 'gzip');
      createReadStream(file).pipe(createGzip()).pipe(res);
      return;
    }
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

/** Which part of the search a fetched URL belongs to, for the breakdown. */
function searchPart(url: string): string {
  const path = new URL(url).pathname;
  if (path.startsWith('/pagefind/')) {
    if (path.endsWith('.pf_meta')) return 'pagefind meta';
    if (path.endsWith('.pf_filter')) return 'pagefind filters';
    if (path.endsWith('.pf_index')) return 'pagefind index chunks';
    if (path.endsWith('.pf_fragment')) return 'pagefind fragments';
    if (path.includes('wasm')) return 'pagefind wasm';
    return 'pagefind js';
  }
  if (path.endsWith('.json')) return path;
  return 'page, css, js';
}

async function firstSearchBytes(siteDir: string, themeSlug: string): Promise<{ pagefindBytes: number; totalBytes: number; results: string; parts: Record<string, number> }> {
  const server = await serve(siteDir);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    // Counted through Playwright, which also sees the requests of Pagefind's web worker.
    let pagefindBytes = 0;
    let totalBytes = 0;
    const parts: Record<string, number> = {};
    const pending: Promise<void>[] = [];
    page.on('requestfinished', (request) => pending.push(request.sizes().then((sizes) => {
      const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
      totalBytes += bytes;
      const part = searchPart(request.url());
      parts[part] = (parts[part] ?? 0) + bytes;
      if (request.url().includes('/pagefind/')) pagefindBytes += bytes;
    })));
    await page.goto(`${base}/dataset?q=eau&theme=${encodeURIComponent(themeSlug)}`);
    const status = page.locator('[data-count]').first();
    await status.filter({ hasText: /\d/ }).waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    await Promise.all(pending);
    return { pagefindBytes, totalBytes, parts, results: (await status.textContent())?.trim() ?? '' };
  } finally {
    await browser.close();
    server.close();
  }
}

/** The search island's result count for a query, as a visitor's Chromium shows it. */
async function searchCount(siteDir: string, q: string): Promise<string> {
  const server = await serve(siteDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/dataset?q=${encodeURIComponent(q)}`);
    const status = page.locator('[data-count]').first();
    await status.filter({ hasText: /\d/ }).waitFor({ timeout: 60_000 });
    return (await status.textContent())?.trim().match(/^\d+/)?.[0] ?? '';
  } finally {
    await browser.close();
    server.close();
  }
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(0)} kB`;

async function reportSearch(siteDir: string, size: number): Promise<void> {
  const theme = syntheticSnapshot({ datasets: size }).themes[3]!;
  const search = await firstSearchBytes(siteDir, theme.slug);
  console.log(`\nfirst faceted search at ${size} (q=eau, thématique « ${theme.title} ») → ${search.results}: Pagefind ${kB(search.pagefindBytes)}, `
    + `page total ${kB(search.totalBytes)} (target < 300 kB)`);
  for (const [part, bytes] of Object.entries(search.parts).sort((a, b) => b[1] - a[1])) console.log(`  ${part}: ${kB(bytes)}`);
  console.log('  reference (docs/perf-calibration): a default Pagefind bundle\'s filters() alone pulls ~230 kB at 10 k');
}

if (values['search-only']) {
  await reportSearch(resolve(values['search-only']), 10_000);
  process.exit(0);
}
const rows: string[][] = [];

mkdirSync(WORK, { recursive: true });
for (const size of SIZES) {
  const snapshot = syntheticSnapshot({ datasets: size });
  const snapshotPath = join(WORK, `synthetic-${size}.json`);
  writeFileSync(snapshotPath, JSON.stringify(snapshot));
  const outDir = join(WORK, `site-${size}`);
  rmSync(outDir, { recursive: true, force: true });

  const figures = await build(snapshotPath, outDir);
  const indexBytes = dirBytes(join(outDir, 'pagefind'));
  const referenceDir = join(WORK, `reference-${size}`);
  rmSync(referenceDir, { recursive: true, force: true });
  const referenceAstroSeconds = await referenceAstro(snapshotPath, referenceDir);
  const referencePagefindSeconds = await referenceIndex(referenceDir);
  rmSync(referenceDir, { recursive: true, force: true });
  const naiveSeconds = referenceAstroSeconds + referencePagefindSeconds;
  const ours = size / figures.totalSeconds;
  const reference = size / naiveSeconds;
  const referenceAstroOnly = size / referenceAstroSeconds;
  rows.push([`${size}`, `${figures.totalSeconds.toFixed(1)} s`, `${figures.astroSeconds.toFixed(1)} s`, `${figures.datasetPagesSeconds.toFixed(1)} s`,
    `${figures.pagefindSeconds.toFixed(1)} s`, `${ours.toFixed(0)}`, `${referenceAstroSeconds.toFixed(1)} s`, `${referencePagefindSeconds.toFixed(1)} s`,
    `${naiveSeconds.toFixed(1)} s`, `${reference.toFixed(0)}`, `${(ours / reference).toFixed(2)}`, `${referenceAstroOnly.toFixed(0)}`,
    `${(ours / referenceAstroOnly).toFixed(2)}`, kB(indexBytes)]);
  console.log(`[bench:build] ${size} datasets: ${JSON.stringify({ ...figures, referenceAstroSeconds, referencePagefindSeconds, indexBytes })}`);
}

console.log('\ndatasets | ours: full build | astro (other pages) | dataset pages (concurrent) | pagefind (concurrent) | ours: dataset pages/s'
  + ' | reference: astro (all pages) | reference: pagefind CLI over HTML | reference: astro + CLI | reference: dataset pages/s | ours / reference'
  + ' | reference astro alone: dataset pages/s | ours / reference astro alone | our index');
for (const row of rows) console.log(row.join(' | '));
console.log('target ≥ 500 dataset pages/s at 10 k. docs/perf-calibration (other run, same machine kind): astro 21.5 s (~470 pages/s), '
  + 'pagefind --site 24.3 s, naive ≈ 46 s at 10 k; 11.2 s and 3.4 s at 1 k');

const largest = Math.max(...SIZES);
const largestDir = join(WORK, `site-${largest}`);
const snapshot = syntheticSnapshot({ datasets: largest });
await reportSearch(largestDir, largest);

// Publish → visible: one dataset changes in the largest catalogue; the site is rebuilt and swapped in.
const changed = snapshot.datasets[Math.floor(largest / 2)]!;
changed.title = `${changed.title} (modifié)`;
changed.metadataModified = new Date().toISOString();
const changedPath = join(WORK, `synthetic-${largest}-changed.json`);
const started = performance.now();
writeFileSync(changedPath, JSON.stringify(snapshot));
await build(changedPath, largestDir); // builds beside the served folder and swaps it in
const server = await serve(largestDir);
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const html = await (await fetch(`${base}/dataset/${changed.slug}`)).text();
const publishSeconds = (performance.now() - started) / 1000;
if (!html.includes('(modifié)')) throw new Error('the changed dataset is not served after the rebuild');
console.log(`publish → visible for one changed dataset at ${largest}: ${publishSeconds.toFixed(1)} s (full rebuild; target ≤ 5 s)`);

// The same publish through the incremental build, on the site the full rebuild above left (and its build state).
// Visible: the new page is served; the build writes the search files before the page, so it is searchable then too
// (checked below through the search island). The build goes on with the listing pages (Astro), reported apart.
const another = snapshot.datasets[Math.floor(largest / 3)]!;
another.title = `${another.title} zorglubienne`;
another.metadataModified = new Date().toISOString();
const incrementalStarted = performance.now();
writeFileSync(changedPath, JSON.stringify(snapshot));
const incremental = run(['--import', 'tsx', 'scripts/build-site.ts', '--incremental', '--snapshot', changedPath, '--out', largestDir]);
let visibleSeconds = 0;
while (!visibleSeconds) {
  const page = await fetch(`${base}/dataset/${another.slug}`);
  if ((await page.text()).includes('zorglubienne')) visibleSeconds = (performance.now() - incrementalStarted) / 1000;
  else await new Promise((r) => setTimeout(r, 50));
}
const incrementalFigures = JSON.parse((await incremental).trim().split('\n').pop()!) as { incremental?: boolean; searchSeconds: number; pagesSeconds: number; totalSeconds: number };
const incrementalTotal = (performance.now() - incrementalStarted) / 1000;
server.close();
if (!incrementalFigures.incremental) throw new Error('the incremental build fell back to a full build');
const found = await searchCount(largestDir, 'zorglubienne');
if (found !== '1') throw new Error(`the search island finds ${found} datasets for the changed title, not 1`);
console.log(`publish → visible and searchable for one changed dataset at ${largest}: ${visibleSeconds.toFixed(1)} s (incremental; target ≤ 5 s; `
  + `in-process: search + page ${incrementalFigures.searchSeconds.toFixed(1)} s), listing pages re-rendered by ${incrementalTotal.toFixed(1)} s `
  + `(Astro ${incrementalFigures.pagesSeconds.toFixed(1)} s) — full rebuild in the same run: ${publishSeconds.toFixed(1)} s`);
