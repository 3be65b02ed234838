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
  affectedFiles, affectedPages, builtDatasets, dateKey, keywordUses, mergedSearchFiles, planChange, type CatalogueChange,
} from '../../site/lib/site-delta';
import { LANG, checkPageOrder, pageIdsByUrl, runAstro, since } from '../build-site';
import { readBuildState, writeBuildState, type BuildState } from './build-state';
import { beforeSiteWrites } from './jobs-idle';

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

/**
 * Everything is written in a staging folder beside the site, then renamed into it: a visitor never reads half a
 * file, and `wrangler dev`, which rescans the site on every change, never meets a file that vanishes while it reads
 * (a temporary file, a bundle being removed).
 */
class Staging {
  private count = 0;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** A fresh path in the staging folder. */
  path(): string {
    return join(this.dir, String(this.count++));
  }

  write(target: string, content: string): void {
    const file = this.path();
    writeFileSync(file, content);
    this.move(file, target);
  }

  move(from: string, target: string): void {
    mkdirSync(dirname(target), { recursive: true });
    renameSync(from, target);
  }

  /** Moves out of the site, to be deleted with the staging folder. */
  remove(target: string): void {
    if (existsSync(target)) renameSync(target, this.path());
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
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
  const change = plan.kind === 'delta' ? plan.change : { added: [], changed: [], removed: [] };
  const deltaSlugs = new Set([...state.delta, ...change.added, ...change.changed, ...change.removed]);
  if (deltaSlugs.size > MAX_DELTA_DATASETS) return null;
  const steps = { searchSeconds: 0, pagesSeconds: 0 };
  if (plan.kind === 'delta') {
    const staging = new Staging(join(dirname(out), `.${basename(out)}.incremental-${Date.now()}-${process.pid}`));
    try {
      Object.assign(steps, await applyChange({ snapshotPath: resolve(snapshotPath), out, state, snapshot, change, deltaSlugs, staging }));
    } finally {
      staging.close();
    }
  }
  return {
    incremental: true, added: change.added.length, changed: change.changed.length, removed: change.removed.length,
    deltaDatasets: deltaSlugs.size, ...steps, totalSeconds: since(started),
  };
}

interface ChangeJob {
  snapshotPath: string;
  out: string;
  state: BuildState;
  snapshot: CatalogueSnapshot;
  change: CatalogueChange;
  deltaSlugs: Set<string>;
  staging: Staging;
}

async function applyChange({ snapshotPath, out, state, snapshot, change, deltaSlugs, staging }: ChangeJob): Promise<{ searchSeconds: number; pagesSeconds: number }> {
  const started = performance.now();
  // Step 1: the search, then the datasets' pages (a visitor who sees the new page finds it in the search too).
  const inDelta = snapshot.datasets.filter((d) => deltaSlugs.has(d.slug));
  const uses = keywordUses(state.main, deltaSlugs, inDelta);
  const input = searchIndexInput(snapshot, LANG, { only: deltaSlugs, keywordUses: uses, delta: true });
  const stamp = basename(staging.dir).replace(/^.*incremental-/, '');
  let deltaPath: string | null = null;
  let deltaIds: string[] = [];
  const bundle = staging.path();
  if (input.records.length > 0) deltaIds = await writeDeltaBundle(input.records, bundle);
  await beforeSiteWrites();
  if (input.records.length > 0) {
    // Not read by visitors until the facet table names it.
    staging.move(bundle, join(out, DELTA_DIR, stamp));
    deltaPath = `/${DELTA_DIR}/${stamp}/`;
  }
  const { table, titles } = mergedSearchFiles(state.main,
    { urls: input.records.map((r) => r.url), pageIds: deltaIds, rows: input.rows, dateKeys: input.datasets.map(dateKey), contents: input.records.map((r) => r.content) },
    deltaSlugs, deltaPath, input.codes, uses);
  staging.write(join(out, TITLE_ORDER_PATH), JSON.stringify(titles));
  staging.write(join(out, FACET_TABLE_PATH), JSON.stringify(table));
  // Older delta bundles: the previous one stays for visitors who loaded the previous facet table a moment ago.
  const bundles = existsSync(join(out, DELTA_DIR)) ? readdirSync(join(out, DELTA_DIR)).filter((name) => name !== stamp).sort() : [];
  for (const name of bundles.slice(0, -1)) staging.remove(join(out, DELTA_DIR, name));
  const cat = indexCatalogue(snapshot);
  const site = siteUrl();
  for (const slug of [...change.added, ...change.changed]) {
    staging.write(join(out, 'dataset', `${slug}.html`), datasetDocument(cat.datasets.get(slug)!, cat, site));
  }
  for (const slug of change.removed) staging.remove(join(out, 'dataset', `${slug}.html`));
  const searchSeconds = since(started);

  // Step 2: the listing pages, rendered by Astro aside and moved in file by file.
  const pagesStarted = performance.now();
  const pages = affectedPages(change, state.datasets, snapshot);
  const partial = staging.path();
  await runAstro(snapshotPath, partial, { SITE_ONLY_PAGES: JSON.stringify({ ...pages, page: [] }) });
  await beforeSiteWrites();
  for (const file of affectedFiles(pages)) if (existsSync(join(partial, file))) staging.move(join(partial, file), join(out, file));
  // Last: if anything above failed, the next build sees the same change again.
  writeBuildState(out, { main: state.main, shell: state.shell, datasets: builtDatasets(snapshot), delta: [...deltaSlugs].sort() });
  return { searchSeconds, pagesSeconds: since(pagesStarted) };
}
