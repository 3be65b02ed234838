// What Pagefind indexes for each dataset, built from the snapshot rather than parsed from the rendered HTML:
// the index can then be built while Astro renders (scripts/build-site.ts), which is what keeps a 10 k-dataset
// build near 20 s on two cores. Facet values (readable labels, as users see them) and the title order go to the
// facet table (lib/facet-table.ts), not to Pagefind: the records are given newest first, which is Pagefind's page
// order and so the date order. Pagefind keeps one filter, the keywords too rare for the table's keyword facet.
import type { CatalogueSnapshot, SnapshotDataset } from '../../worker/src/domain/snapshot';
import { UPDATE_FREQUENCIES } from '../../worker/src/domain/vocabulary';
import { frequencyLabel, type Lang } from '../../worker/src/i18n';
import { datasetFormats, newestFirst } from './dataset';
import type { FacetRow } from './facet-table';
import { formatDate, formatLabel, plainText, sortKey } from './format';
import { FORMAT_SEPARATOR, MIN_KEYWORD_USES, type Facet, type SearchMeta } from './search';

/** Pagefind's CustomRecord (pagefind's Node API). */
export interface SearchRecord {
  url: string;
  content: string;
  language: string;
  meta: Record<string, string>;
  filters: { keyword?: string[] };
}

export interface SearchIndexInput {
  /** In Pagefind's page order: newest first. */
  records: SearchRecord[];
  /** Same order as the records. */
  rows: FacetRow[];
  /** Label → URL code, per facet whose URLs do not carry the label itself. */
  codes: Partial<Record<Facet, Map<string, string>>>;
  /** The indexed datasets, same order as the records. */
  datasets: SnapshotDataset[];
}

/**
 * Pagefind's indexing time grows with the words it is given: past the first paragraphs a description adds
 * build time more than findability. Titles, keywords, themes and organisations are always indexed in full.
 */
export const INDEXED_DESCRIPTION_CHARS = 400;

/** The words of `text` that fit in `max` characters (no ellipsis: this is indexed, not shown as is). */
function leadingWords(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/\s+\S*$/, '');
}

const reverse = (codeToLabel: Iterable<[string, string]>) => new Map([...codeToLabel].map(([code, label]) => [label, code]));

export interface SearchIndexOptions {
  /** Only these datasets get records and rows (an incremental build's delta); codes still cover the snapshot. */
  only?: ReadonlySet<string>;
  /** Keyword uses to judge rare keywords by, instead of counting over the records (lib/site-delta.ts). */
  keywordUses?: ReadonlyMap<string, number>;
  /** Marks the records of a delta bundle, so that a page republished unchanged gets another Pagefind id than its
   * superseded main page (ids are hashes of the page's fragment). */
  delta?: boolean;
}

export function searchIndexInput(snapshot: CatalogueSnapshot, lang: Lang, options: SearchIndexOptions = {}): SearchIndexInput {
  const organizations = new Map(snapshot.organizations.map((o) => [o.slug, o.legalName]));
  const themes = new Map(snapshot.themes.map((th) => [th.slug, th.title]));
  const licences = new Map(snapshot.licences.map((l) => [l.id, l.title]));
  const { only } = options;
  const datasets = (only ? snapshot.datasets.filter((d) => only.has(d.slug)) : [...snapshot.datasets]).sort(newestFirst);
  const keywordUses = new Map<string, number>(options.keywordUses);
  if (!options.keywordUses) for (const d of datasets) for (const tag of d.tags) keywordUses.set(tag, (keywordUses.get(tag) ?? 0) + 1);
  const formatCodes = new Set(snapshot.datasets.flatMap((d) => d.resources.map((r) => r.format)));

  const rows: FacetRow[] = [];
  const records = datasets.map((d: SnapshotDataset): SearchRecord => {
    const org = organizations.get(d.organization) ?? d.organization;
    const themeTitles = d.themes.flatMap((slug) => themes.get(slug) ?? []);
    const formats = datasetFormats(d);
    const meta: { [K in SearchMeta]?: string } = {
      title: d.title,
      org,
      formats: formats.join(FORMAT_SEPARATOR),
      updated: formatDate(lang, d.dateModified),
    };
    if (d.hasRestrictedResources) meta.restricted = '1';
    if (options.delta) meta.delta = '1';
    const values: Record<Facet, string[]> = {
      theme: themeTitles,
      frequency: [frequencyLabel(lang, d.updateFrequency)],
      format: formats,
      organization: [org],
      licence: [licences.get(d.licence) ?? d.licence],
      keyword: d.tags,
    };
    rows.push({ values, titleKey: sortKey(d.title) });
    const rare = d.tags.filter((tag) => (keywordUses.get(tag) ?? 0) < MIN_KEYWORD_USES);
    return {
      url: `/dataset/${d.slug}`,
      language: lang,
      // The description comes first: with no query, Pagefind's excerpt (the start of the content) is its summary.
      content: [
        leadingWords(plainText(d.description), INDEXED_DESCRIPTION_CHARS),
        d.title,
        org,
        themeTitles.join(', '),
        d.tags.join(', '),
        d.territoryName ?? '',
        d.resources.map((r) => r.title).join(', '),
      ].filter(Boolean).join(' · '),
      meta: meta as Record<string, string>,
      filters: rare.length > 0 ? { keyword: rare } : {},
    };
  });
  const codes: SearchIndexInput['codes'] = {
    theme: reverse(themes),
    frequency: reverse(UPDATE_FREQUENCIES.map((f) => [f, frequencyLabel(lang, f)])),
    format: reverse([...formatCodes].map((f) => [f, formatLabel(f)])),
    organization: reverse(organizations),
    licence: reverse(licences),
  };
  return { records, rows, codes, datasets };
}
