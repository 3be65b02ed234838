// The incremental build's pure rules: what a new snapshot changes, which pages that touches, and the merged search
// files (main rows + delta rows, superseded rows hidden) answering like the table a full build writes.
import { describe, expect, it } from 'vitest';
import { syntheticSnapshot } from '../../scripts/bench/synthetic-snapshot';
import type { CatalogueSnapshot } from '../../worker/src/domain/snapshot';
import { decodeFacetTable, decodeTitleOrder, encodeFacetTable, filterAndCount, type FacetTable } from '../../site/lib/facet-table';
import { FACETS, MIN_KEYWORD_USES, type Facet } from '../../site/lib/search';
import { searchIndexInput } from '../../site/lib/search-record';
import {
  affectedFiles, affectedPages, builtDatasets, dateKey, keywordUses, mergedSearchFiles, planChange, shellHash, vocabulary, type MainIndex,
} from '../../site/lib/site-delta';

const clone = (s: CatalogueSnapshot): CatalogueSnapshot => structuredClone(s);
const base = syntheticSnapshot({ datasets: 300 });
const built = { shell: shellHash(base), datasets: builtDatasets(base) };
const noSelection = (): Record<Facet, string[]> => ({ theme: [], frequency: [], format: [], organization: [], licence: [], keyword: [] });

/** A full build's search rows; fake page ids stand in for Pagefind's. */
function mainIndex(snapshot: CatalogueSnapshot): MainIndex {
  const input = searchIndexInput(snapshot, 'fr');
  return { urls: input.records.map((r) => r.url), pageIds: input.records.map((r) => `fr_${r.url}`), rows: input.rows, dateKeys: input.datasets.map(dateKey),
    words: [...vocabulary(input.records.map((r) => r.content))] };
}

function fullTable(snapshot: CatalogueSnapshot): FacetTable {
  const input = searchIndexInput(snapshot, 'fr');
  return decodeFacetTable(encodeFacetTable(input.rows, input.records.map((r) => r.url), input.codes,
    (facet, _v, uses) => facet !== 'keyword' || uses >= MIN_KEYWORD_USES));
}

/** What an incremental build writes, with the delta rows' URLs kept to read results back. */
function mergedTable(before: CatalogueSnapshot, after: CatalogueSnapshot, deltaSlugs: Set<string>) {
  const main = mainIndex(before);
  const inDelta = after.datasets.filter((d) => deltaSlugs.has(d.slug));
  const uses = keywordUses(main, deltaSlugs, inDelta);
  const input = searchIndexInput(after, 'fr', { only: deltaSlugs, keywordUses: uses, delta: true });
  const delta = { urls: input.records.map((r) => r.url), pageIds: input.records.map((r) => `delta_${r.url}`), rows: input.rows, dateKeys: input.datasets.map(dateKey),
    contents: input.records.map((r) => r.content) };
  const { table, titles } = mergedSearchFiles(main, delta, deltaSlugs, '/pagefind-delta/1/', input.codes, uses);
  return { table: decodeFacetTable(table), titles, encoded: table, urls: [...main.urls, ...delta.urls], deltaKeywords: input.records.map((r) => r.filters.keyword ?? []) };
}

/** Visible rows' URLs in date order, and the facet counts with no query: what the island shows. */
function answer(table: FacetTable, urls: string[], selected = noSelection()) {
  const all = Array.from({ length: table.count }, (_, i) => i);
  const { rows, counts } = filterAndCount(table, all, selected);
  const ranks = table.dateRanks;
  rows.sort(ranks ? (a, b) => ranks[a]! - ranks[b]! : (a, b) => a - b);
  return { urls: rows.map((r) => urls[r]), counts };
}

describe('what a new snapshot changes', () => {
  it('finds the added, changed and removed datasets, and nothing when only the dataset counts moved', () => {
    const next = clone(base);
    next.datasets[5]!.title = 'Titre changé';
    const removed = next.datasets.splice(9, 1)[0]!;
    const added = { ...clone(base).datasets[0]!, id: 'nouveau', slug: 'nouveau-jeu' };
    next.datasets.push(added);
    next.organizations[0]!.datasetCount += 3;
    next.themes[0]!.datasetCount -= 1;
    expect(planChange(built, next)).toEqual({ kind: 'delta', change: { added: ['nouveau-jeu'], changed: [base.datasets[5]!.slug], removed: [removed.slug] } });
    expect(planChange(built, clone(base))).toEqual({ kind: 'none' });
  });

  it('asks for a full build when an organisation, a thématique, a licence or a réutilisation changed', () => {
    for (const edit of [
      (s: CatalogueSnapshot) => (s.organizations[0]!.legalName = 'Autre nom'),
      (s: CatalogueSnapshot) => (s.themes[0]!.title = 'Autre thème'),
      (s: CatalogueSnapshot) => (s.licences[0]!.title = 'Autre licence'),
      (s: CatalogueSnapshot) => s.showcases.pop(),
    ]) {
      const next = clone(base);
      edit(next);
      expect(planChange(built, next).kind).toBe('full');
    }
  });
});

describe('pages a change touches', () => {
  it('re-renders the old and new organisation and thématiques of a moved dataset, and the réutilisations using it', () => {
    const next = clone(base);
    const d = next.datasets.find((x) => base.showcases.some((s) => s.datasets.includes(x.slug)))!;
    const before = built.datasets[d.slug]!;
    const otherOrg = next.organizations.find((o) => o.slug !== before.organization)!.slug;
    const otherTheme = next.themes.find((th) => !before.themes.includes(th.slug))!.slug;
    d.organization = otherOrg;
    d.themes = [otherTheme];
    const pages = affectedPages({ added: [], changed: [d.slug], removed: [] }, built.datasets, next);
    expect(pages.organization).toEqual([before.organization, otherOrg].sort());
    expect(pages.group).toEqual([...new Set([...before.themes, otherTheme])].sort());
    expect(pages.showcase).toEqual(base.showcases.filter((s) => s.datasets.includes(d.slug)).map((s) => s.slug).sort());
    const files = affectedFiles(pages);
    for (const file of ['index.html', 'dataset.html', 'organization.html', 'group.html', 'sitemap.xml', 'feeds/dataset.atom',
      `organization/${otherOrg}.html`, `feeds/organization/${before.organization}.atom`, `group/${otherTheme}.html`, `feeds/group/${otherTheme}.atom`]) {
      expect(files).toContain(file);
    }
  });

  it('re-renders the pages a removed dataset was listed on', () => {
    const next = clone(base);
    const [removed] = next.datasets.splice(0, 1);
    const pages = affectedPages({ added: [], changed: [], removed: [removed!.slug] }, built.datasets, next);
    expect(pages.organization).toEqual([removed!.organization]);
    expect(pages.group).toEqual([...removed!.themes].sort());
  });
});

describe('merged search files', () => {
  it('answer like a full build: changed, added and removed datasets, counts and date order', () => {
    const next = clone(base);
    const changed = next.datasets[20]!;
    changed.title = 'Titre changé';
    changed.dateModified = '2099-01-01'; // now the newest
    changed.themes = [next.themes.at(-1)!.slug];
    const [removed] = next.datasets.splice(40, 1);
    const added = { ...clone(base).datasets[3]!, id: 'nouveau', slug: 'nouveau-jeu', dateModified: '1990-01-01', tags: ['mot-unique'] };
    next.datasets.push(added);
    const deltaSlugs = new Set([changed.slug, removed!.slug, added.slug]);
    const merged = mergedTable(base, next, deltaSlugs);

    expect(merged.encoded.delta).toBe('/pagefind-delta/1/');
    expect(merged.encoded.hidden).toHaveLength(2); // the changed and the removed datasets' main rows
    const full = fullTable(next);
    const fullUrls = searchIndexInput(next, 'fr').records.map((r) => r.url);
    const ours = answer(merged.table, merged.urls);
    const theirs = answer(full, fullUrls);
    expect(ours.urls).toEqual(theirs.urls);
    expect(ours.urls[0]).toBe(`/dataset/${changed.slug}`);
    expect(ours.urls.at(-1)).toBe(`/dataset/${added.slug}`);
    expect(ours.counts).toEqual(theirs.counts);
    for (const facet of FACETS) {
      const value = Object.keys(theirs.counts[facet])[0]!;
      const selected = { ...noSelection(), [facet]: [value] };
      expect(answer(merged.table, merged.urls, selected), `${facet}: ${value}`).toEqual(answer(full, fullUrls, selected));
    }
    // A keyword of one dataset only is not in the table: Pagefind filters it, so the delta record carries it.
    expect(merged.table.columns.keyword.index.has('mot-unique')).toBe(false);
    expect(merged.deltaKeywords.flat()).toContain('mot-unique');
  });

  it('keeps in the table a keyword the main table had, even when its only remaining use is a main row', () => {
    const tagged = clone(base);
    tagged.datasets[0]!.tags = ['rare-mais-gardé'];
    tagged.datasets[1]!.tags = ['rare-mais-gardé'];
    const next = clone(tagged);
    next.datasets.splice(0, 1);
    const merged = mergedTable(tagged, next, new Set([tagged.datasets[0]!.slug]));
    const { counts } = answer(merged.table, merged.urls);
    expect(counts.keyword['rare-mais-gardé']).toBe(1);
  });

  it('counts a changed dataset’s keywords once: a keyword of one dataset stays out of the table, as in a full build', () => {
    const tagged = clone(base);
    tagged.datasets[0]!.tags = ['une-seule-fois'];
    const next = clone(tagged);
    next.datasets[0]!.title = 'Titre changé';
    const merged = mergedTable(tagged, next, new Set([tagged.datasets[0]!.slug]));
    expect(merged.table.columns.keyword.index.has('une-seule-fois')).toBe(false);
    expect(merged.deltaKeywords.flat()).toContain('une-seule-fois');
  });

  it('names the words only the delta has, so that a query with one keeps only delta rows', () => {
    const next = clone(base);
    next.datasets[7]!.title = 'Inventaire des Quasimodiennes';
    const merged = mergedTable(base, next, new Set([next.datasets[7]!.slug]));
    expect(merged.table.deltaStart).toBe(base.datasets.length);
    expect([...merged.table.freshWords]).toEqual(['quasimodiennes']);
  });

  it('gives the title order of every row, hidden ones included, under the table’s check', () => {
    const next = clone(base);
    next.datasets[0]!.title = 'AAAA premier par le titre';
    const merged = mergedTable(base, next, new Set([next.datasets[0]!.slug]));
    const ranks = decodeTitleOrder(merged.titles, merged.table);
    const first = [...ranks.keys()].filter((r) => !merged.table.hidden[r]).sort((a, b) => ranks[a]! - ranks[b]!)[0]!;
    expect(merged.urls[first]).toBe(`/dataset/${next.datasets[0]!.slug}`);
  });
});
