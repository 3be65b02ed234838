// What the server pages and the search island agree on: facet keys (= Pagefind filter names = URL parameters),
// sorts, page size. Imported by the browser bundle: keep it free of imports.
export const FACETS = ['theme', 'frequency', 'format', 'organization', 'licence', 'keyword'] as const;
export type Facet = (typeof FACETS)[number];
export const SORTS = ['relevance', 'date', 'title'] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZE = 20;
/** Facet values are readable labels in the index; URLs carry codes (slugs, ids). Keywords are their own code. */
export type FacetCodes = Record<Exclude<Facet, 'keyword'>, Record<string, string>>;
export const FACET_CODES_PATH = '/dataset-facets.json';

/** Metadata of each indexed dataset, as the result cards read it (written by lib/search-record.ts). */
export type SearchMeta = 'title' | 'org' | 'formats' | 'updated' | 'restricted';
export const FORMAT_SEPARATOR = ' · ';

export interface SearchMessages {
  count: { one: string; other: string };
  countFor: { one: string; other: string };
  none: string;
  error: string;
  clearFilters: string;
  activeFilters: string;
  removeFilter: string;
  showMore: string;
  showLess: string;
  updated: string;
  restricted: string;
  previous: string;
  next: string;
  page: string;
  pageStatus: string;
  facets: Record<Facet, string>;
}

/** Where the island reads its configuration in the page. */
export interface SearchConfig {
  messages: SearchMessages;
  /** Fixed filter of a scoped search (an organisation's or a theme's page); never shown nor put in the URL. */
  scope: { facet: Facet; value: string } | null;
  cardLevel: 3 | 4;
}
