// Pure rules of the incremental build (scripts/lib/incremental-build.ts): what changed between the catalogue of
// the last build and a new snapshot, which pages of the static site that change touches, and the search files
// (facet table, title order) of the main Pagefind bundle merged with a delta bundle. Design: docs/decisions.md.
import type { CatalogueSnapshot, SnapshotDataset } from '../../worker/src/domain/snapshot';
import { encodeFacetTable, encodeTitleOrder, fnv1a, type EncodedFacetTable, type EncodedTitleOrder, type FacetRow } from './facet-table';
import { MIN_KEYWORD_USES, searchWords, type Facet } from './search';

/** What the last build knew of one dataset: enough to tell a change and to find the pages listing it. */
export interface BuiltDataset {
  /** Fingerprint of the dataset's snapshot entry. */
  hash: string;
  organization: string;
  themes: string[];
}

export interface CatalogueChange {
  added: string[];
  changed: string[];
  removed: string[];
}

export type ChangePlan =
  | { kind: 'none' }
  /** Something every page shows changed (organisations, thématiques, licences, réutilisations): rebuild all. */
  | { kind: 'full'; reason: string }
  | { kind: 'delta'; change: CatalogueChange };

export const datasetHash = (d: SnapshotDataset): string => fnv1a([JSON.stringify(d)]);

/** Everything but the datasets, less the dataset counts (which follow from the datasets and are re-rendered). */
export function shellHash(snapshot: CatalogueSnapshot): string {
  return fnv1a([
    JSON.stringify(snapshot.organizations.map(({ datasetCount: _, ...o }) => o)),
    JSON.stringify(snapshot.themes.map(({ datasetCount: _, ...th }) => th)),
    JSON.stringify(snapshot.licences),
    JSON.stringify(snapshot.showcases),
    String(snapshot.schemaVersion),
  ]);
}

export function builtDatasets(snapshot: CatalogueSnapshot): Record<string, BuiltDataset> {
  return Object.fromEntries(snapshot.datasets.map((d) => [d.slug, { hash: datasetHash(d), organization: d.organization, themes: d.themes }]));
}

export function planChange(built: { shell: string; datasets: Readonly<Record<string, BuiltDataset>> }, next: CatalogueSnapshot): ChangePlan {
  if (shellHash(next) !== built.shell) return { kind: 'full', reason: 'organisations, thématiques, licences or réutilisations changed' };
  const change: CatalogueChange = { added: [], changed: [], removed: [] };
  const seen = new Set<string>();
  for (const d of next.datasets) {
    seen.add(d.slug);
    const before = built.datasets[d.slug];
    if (!before) change.added.push(d.slug);
    else if (before.hash !== datasetHash(d)) change.changed.push(d.slug);
  }
  for (const slug of Object.keys(built.datasets)) if (!seen.has(slug)) change.removed.push(slug);
  return change.added.length + change.changed.length + change.removed.length === 0 ? { kind: 'none' } : { kind: 'delta', change };
}

/** Pages rendered by Astro that list, count or link the changed datasets, by route. */
export interface AffectedPages {
  organization: string[];
  group: string[];
  showcase: string[];
}

/**
 * Besides the changed datasets' own pages: the home page (figures, thématique counts, latest and most downloaded),
 * the search page's first results, the organisation and thématique lists (counts), the pages and feeds of each
 * organisation and thématique the datasets belonged to before or belong to now, the réutilisations that use them,
 * the site feed and the sitemap. Always rendered with these (they are few): see `ALWAYS_RENDERED`.
 */
export function affectedPages(change: CatalogueChange, built: Readonly<Record<string, BuiltDataset>>, next: CatalogueSnapshot): AffectedPages {
  const slugs = new Set([...change.added, ...change.changed, ...change.removed]);
  const organization = new Set<string>();
  const group = new Set<string>();
  for (const slug of slugs) {
    const before = built[slug];
    if (before) {
      organization.add(before.organization);
      for (const th of before.themes) group.add(th);
    }
  }
  for (const d of next.datasets) {
    if (!slugs.has(d.slug)) continue;
    organization.add(d.organization);
    for (const th of d.themes) group.add(th);
  }
  const showcase = next.showcases.filter((s) => s.datasets.some((slug) => slugs.has(slug))).map((s) => s.slug);
  return { organization: [...organization].sort(), group: [...group].sort(), showcase: showcase.sort() };
}

/** Site files of the pages an incremental build re-renders, relative to the site root (Astro's `format: 'file'`). */
export function affectedFiles(pages: AffectedPages): string[] {
  return [
    ...ALWAYS_RENDERED,
    ...pages.organization.flatMap((slug) => [`organization/${slug}.html`, `feeds/organization/${slug}.atom`]),
    ...pages.group.flatMap((slug) => [`group/${slug}.html`, `feeds/group/${slug}.atom`]),
    ...pages.showcase.map((slug) => `showcase/${slug}.html`),
  ];
}

export const ALWAYS_RENDERED = ['index.html', 'dataset.html', 'organization.html', 'group.html', 'feeds/dataset.atom', 'sitemap.xml'];

/** The main bundle's search rows, as the last full build wrote them (in its Pagefind page order). */
export interface MainIndex {
  urls: string[];
  pageIds: string[];
  rows: FacetRow[];
  /** Sort key of each row, newest first meaning descending (see `dateKey`). */
  dateKeys: string[];
  /** Every word of the indexed content (`searchWords`), for `freshWords`. */
  words: string[];
}

export const dateKey = (d: SnapshotDataset): string => `${d.dateModified}\u0000${d.metadataModified}`;

export interface DeltaIndex {
  urls: string[];
  pageIds: string[];
  rows: FacetRow[];
  dateKeys: string[];
  /** The delta records' indexed content. */
  contents: string[];
}

/** The distinct words of indexed contents. */
export function vocabulary(contents: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const content of contents) for (const word of searchWords(content)) words.add(word);
  return words;
}

/**
 * Keyword uses to judge rare keywords by: those of the datasets now public, except that a keyword the main table
 * kept stays kept (its main rows have no Pagefind filter for it, so the table must keep finding them), however few
 * uses remain. A keyword the table keeps is never a Pagefind filter of a delta record, and the other way round.
 */
export function keywordUses(main: MainIndex, deltaSlugs: ReadonlySet<string>, delta: readonly SnapshotDataset[]): Map<string, number> {
  const inMain = new Map<string, number>();
  const visible = new Map<string, number>();
  main.rows.forEach((row, i) => {
    const shown = !deltaSlugs.has(main.urls[i]!.slice('/dataset/'.length));
    for (const tag of row.values.keyword) {
      inMain.set(tag, (inMain.get(tag) ?? 0) + 1);
      if (shown) visible.set(tag, (visible.get(tag) ?? 0) + 1);
    }
  });
  for (const d of delta) for (const tag of d.tags) visible.set(tag, (visible.get(tag) ?? 0) + 1);
  for (const [tag, n] of inMain) if (n >= MIN_KEYWORD_USES) visible.set(tag, Math.max(n, visible.get(tag) ?? 0));
  return visible;
}

/** The search files after an incremental build: main rows then delta rows, the main rows of every dataset in the
 * delta (changed or removed) hidden, the delta rows placed in the date order; `uses` from `keywordUses`. */
export function mergedSearchFiles(main: MainIndex, delta: DeltaIndex, deltaSlugs: ReadonlySet<string>, deltaPath: string | null,
  codes: Partial<Record<Facet, Map<string, string>>>, uses: ReadonlyMap<string, number>): { table: EncodedFacetTable; titles: EncodedTitleOrder } {
  const rows = [...main.rows, ...delta.rows];
  const pageIds = [...main.pageIds, ...delta.pageIds];
  const hidden = main.urls.flatMap((url, row) => (deltaSlugs.has(url.slice('/dataset/'.length)) ? [row] : []));
  const table = encodeFacetTable(rows, pageIds, codes, (facet, value) => facet !== 'keyword' || (uses.get(value) ?? 0) >= MIN_KEYWORD_USES);
  // Main keys are newest first; a delta row goes after every main row at least as new (delta keys are in order too).
  let slot = 0;
  const slots = delta.dateKeys.map((key) => {
    while (slot < main.dateKeys.length && main.dateKeys[slot]! >= key) slot++;
    return slot;
  });
  if (hidden.length > 0) table.hidden = hidden;
  table.deltaDateSlots = slots;
  if (deltaPath) table.delta = deltaPath;
  table.deltaStart = main.rows.length;
  const known = new Set(main.words);
  table.freshWords = [...vocabulary(delta.contents)].filter((w) => !known.has(w)).sort();
  return { table, titles: encodeTitleOrder(rows, table.check) };
}
