// Incremental build: a publish touches a few datasets, so only what depends on them is rebuilt, in two steps.
// 1. Visible and searchable: the changed datasets' pages are written (a removed one's deleted), Pagefind indexes
//    every dataset changed since the last full build into a small delta bundle (pagefind-delta/{stamp}/), and the
//    facet table becomes main rows + delta rows with the superseded main rows hidden: the search island merges
//    the delta (Pagefind's mergeIndex) and skips the hidden rows (site/lib/facet-table.ts).
// 2. Listings: Astro re-renders only the pages that count, list or link those datasets (home, search page, lists,
//    their organisations' and thématiques' pages and feeds, réutilisations, sitemap; site/lib/site-delta.ts).
// Returns null when it cannot apply (no state from a full build, organisations or thématiques changed, delta too
// large): the caller then runs the full build, which also folds the delta into the main bundle and clears it.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import * as pagefind from 'pagefind';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';
import { indexCatalogue } from '../../site/lib/catalogue';
import { datasetDocument } from '../../site/lib/dataset-page';
import { FACET_TABLE_PATH, TITLE_ORDER_PATH } from '../../site/lib/search';
import { searchIndexInput } from '../../site/lib/search-record';
import { siteUrl } from '../../site/lib/site';
import {
  affectedFiles, affectedPages, builtDatasets, dateKey, keywordUses, mergedSearchFiles, planChange,
} from '../../site/lib/site-delta';
import { LANG, checkPageOrder, pageIdsByUrl, runAstro, since } from '../build-site';
import { readBuildState, writeBuildState } from './build-state';

export interface IncrementalFigures {
  incremental: true;
  added: number;
  changed: number;
  removed: number;
  /** Datasets in the delta bundle's reach since the last full build (this change included). */
  deltaDatasets: number;
  /** Publish → visible: the changed pages and the search (step 1) are in place. */
  searchSeconds: number;
  /** Step 2: Astro's run over the affected listing pages. */
  pagesSeconds: number;
  totalSeconds: number;
}

/** Past this many datasets in the delta, a full build is cheaper for visitors (one index to load) and for the build. */
const MAX_DELTA_DATASETS = Number(process.env.SITE_DELTA_MAX ?? 500);

const DELTA_DIR = 'pagefind-delta';

/** Writes beside the target then renames over it: a visitor never reads half a file. */
function writeAtomically(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

async function writeDeltaBundle(records: Parameters<pagefind.PagefindIndex['addCustomRecord']>[0][], dir: string): Promise<string[]> {
  try {
    const { index, errors } = await pagefind.createIndex({ forceLanguage: LANG });
    if (!index) throw new Error(`Pagefind: ${errors.join('; ')}`);
    // One at a time: Pagefind numbers pages in the order the records arrive, which the facet table relies on.
    for (const record of records) {
      const added = await index.addCustomRecord(record);
      if (added.errors.length > 0) throw new Error(`Pagefind: ${added.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath: dir });
    if (written.errors.length > 0) throw new Error(`Pagefind: ${written.errors.join('; ')}`);
  } finally {
    await pagefind.close();
  }
  const ids = pageIdsByUrl(dir);
  const pageIds = records.map((r) => ids.get(r.url) ?? '');
  checkPageOrder(dir, pageIds);
  return pageIds;
}

export async function incrementalBuild({ snapshotPath, outDir }: { snapshotPath: string; outDir: string }): Promise<IncrementalFigures | null> {
  const started = performance.now();
  const out = resolve(outDir);
  const state = readBuildState(out);
  if (!state || !existsSync(join(out, 'index.html'))) return null;
  const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as CatalogueSnapshot;
  const plan = planChange(state, snapshot);
  if (plan.kind === 'full') return null;
  const figures = (change: { added: string[]; changed: string[]; removed: string[] }, deltaDatasets: number, searchSeconds: number, pagesSeconds: number): IncrementalFigures => ({
    incremental: true, added: change.added.length, changed: change.changed.length, removed: change.removed.length,
    deltaDatasets, searchSeconds, pagesSeconds, totalSeconds: since(started),
  });
  if (plan.kind === 'none') return figures({ added: [], changed: [], removed: [] }, state.delta.length, 0, 0);
  const { change } = plan;
  const deltaSlugs = new Set([...state.delta, ...change.added, ...change.changed, ...change.removed]);
  if (deltaSlugs.size > MAX_DELTA_DATASETS) return null;

  // Step 1: the search, then the datasets' pages (a visitor who sees the new page finds it in the search too).

  const inDelta = snapshot.datasets.filter((d) => deltaSlugs.has(d.slug));
  const uses = keywordUses(state.main, deltaSlugs, inDelta);
  const input = searchIndexInput(snapshot, LANG, { only: deltaSlugs, keywordUses: uses, delta: true });
  const stamp = `${Date.now()}-${process.pid}`;
  let deltaPath: string | null = null;
  let deltaIds: string[] = [];
  if (input.records.length > 0) {
    // Not read by visitors until the facet table names it.
    deltaIds = await writeDeltaBundle(input.records, join(out, DELTA_DIR, stamp));
    deltaPath = `/${DELTA_DIR}/${stamp}/`;
  }
  const { table, titles } = mergedSearchFiles(state.main,
    { urls: input.records.map((r) => r.url), pageIds: deltaIds, rows: input.rows, dateKeys: input.datasets.map(dateKey), contents: input.records.map((r) => r.content) },
    deltaSlugs, deltaPath, input.codes, uses);
  writeAtomically(join(out, TITLE_ORDER_PATH), JSON.stringify(titles));
  writeAtomically(join(out, FACET_TABLE_PATH), JSON.stringify(table));
  // Older delta bundles: the previous one stays for visitors who loaded the previous facet table a moment ago.
  const bundles = existsSync(join(out, DELTA_DIR)) ? readdirSync(join(out, DELTA_DIR)).filter((name) => name !== stamp).sort() : [];
  for (const name of bundles.slice(0, -1)) rmSync(join(out, DELTA_DIR, name), { recursive: true, force: true });
  const cat = indexCatalogue(snapshot);
  const site = siteUrl();
  for (const slug of [...change.added, ...change.changed]) {
    writeAtomically(join(out, 'dataset', `${slug}.html`), datasetDocument(cat.datasets.get(slug)!, cat, site));
  }
  for (const slug of change.removed) rmSync(join(out, 'dataset', `${slug}.html`), { force: true });
  const searchSeconds = since(started);

  // Step 2: the listing pages, rendered by Astro aside and moved in file by file.
  const pagesStarted = performance.now();
  const pages = affectedPages(change, state.datasets, snapshot);
  const partial = join(dirname(out), `.${basename(out)}.partial-${stamp}`);
  try {
    await runAstro(resolve(snapshotPath), partial, { SITE_ONLY_PAGES: JSON.stringify({ ...pages, page: [] }) });
    for (const file of affectedFiles(pages)) {
      if (!existsSync(join(partial, file))) continue;
      mkdirSync(dirname(join(out, file)), { recursive: true });
      renameSync(join(partial, file), join(out, file));
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  // Last: if anything above failed, the next build sees the same change again.
  writeBuildState(out, { main: state.main, shell: state.shell, datasets: builtDatasets(snapshot), delta: [...deltaSlugs].sort() });
  return figures(change, deltaSlugs.size, searchSeconds, since(pagesStarted));
}
