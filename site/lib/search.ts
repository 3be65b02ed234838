// What the server pages and the search island agree on: facet keys (= Pagefind filter names = URL parameters),
// sorts, page size. Imported by the browser bundle: keep it free of imports.
export const FACETS = ['theme', 'frequency', 'format', 'organization', 'licence', 'keyword'] as const;
export type Facet = (typeof FACETS)[number];
export const SORTS = ['relevance', 'date', 'title'] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZE = 20;
/** The facet table (lib/facet-table.ts), written by scripts/build-site.ts beside the Pagefind bundle. */
export const FACET_TABLE_PATH = '/dataset-facets.json';
/** The title order (lib/facet-table.ts), fetched the first time a visitor sorts by title. */
export const TITLE_ORDER_PATH = '/dataset-titles.json';
/** The keyword facet lists keywords of at least this many datasets; rarer ones are a Pagefind filter, used only
 * when such a keyword is selected (a dataset page's keyword link), and stay searchable as text. */
export const MIN_KEYWORD_USES = 2;

/** Metadata of each indexed dataset, as the result cards read it (written by lib/search-record.ts). */
export type SearchMeta = 'title' | 'org' | 'formats' | 'updated' | 'restricted' | 'delta';
export const FORMAT_SEPARATOR = ' · ';

/** The words of a text as the incremental search compares them (lib/site-delta.ts `freshWords`): lower case, split
 * on anything but letters and digits. */
export const searchWords = (text: string): string[] => text.toLocaleLowerCase('fr').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);

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
