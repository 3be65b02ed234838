// What Pagefind indexes for each dataset, built from the snapshot rather than parsed from the rendered HTML:
// the index can then be built while Astro renders (scripts/build-site.ts), which is what keeps a 10 k-dataset
// build near 20 s on two cores. Filters carry readable labels (the facet values users see), sorts carry keys.
import type { CatalogueSnapshot, SnapshotDataset } from '../../worker/src/domain/snapshot';
import { frequencyLabel, type Lang } from '../../worker/src/i18n';
import { datasetFormats } from './dataset';
import { formatDate, plainText, sortKey } from './format';
import { FORMAT_SEPARATOR, type Facet, type SearchMeta } from './search';

/** Pagefind's CustomRecord (pagefind's Node API). */
export interface SearchRecord {
  url: string;
  content: string;
  language: string;
  meta: Record<string, string>;
  filters: Record<Facet, string[]>;
  sort: Record<'date' | 'title', string>;
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

export function searchRecords(snapshot: CatalogueSnapshot, lang: Lang): SearchRecord[] {
  const organizations = new Map(snapshot.organizations.map((o) => [o.slug, o.legalName]));
  const themes = new Map(snapshot.themes.map((th) => [th.slug, th.title]));
  const licences = new Map(snapshot.licences.map((l) => [l.id, l.title]));

  return snapshot.datasets.map((d: SnapshotDataset) => {
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
      filters: {
        theme: themeTitles,
        frequency: [frequencyLabel(lang, d.updateFrequency)],
        format: formats,
        organization: [org],
        licence: [licences.get(d.licence) ?? d.licence],
        keyword: d.tags,
      },
      sort: { date: d.dateModified, title: sortKey(d.title) },
    };
  });
}
