// package_search (ckan-compat §2.2): parameter validation as CKAN does it, filtering with the Solr subset,
// sorting, paging and facets, over the datasets the caller may see.
import { searchQueryError, validationError } from './ckan-errors';
import { searchDocument } from './ckan-package';
import { matches, parseQuery, QuerySyntaxError, type QueryNode, type SearchDocument } from './ckan-query';
import type { DatasetRecord } from './ckan-records';

/** An action's parameters: GET query (repeated keys = lists) or a POST body. */
export type DataDict = Record<string, unknown>;

export const ROWS_MAX = 1000;
export const DEFAULT_SORT = 'score desc, metadata_modified desc';

const SEARCH_PARAMS = new Set([
  'q', 'fq', 'fq_list', 'rows', 'start', 'sort', 'facet', 'facet.field', 'facet.limit', 'facet.mincount',
  'include_private', 'include_drafts', 'include_deleted', 'use_default_schema', 'qf', 'wt', 'bf', 'boost', 'tie',
  'defType', 'mm', 'fl',
]);

/** A single string parameter; a repeated GET key keeps its last value. */
export function stringParam(dict: DataDict, key: string): string | undefined {
  const value = dict[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return String(value);
}

export function boolParam(dict: DataDict, key: string, fallback = false): boolean {
  const value = stringParam(dict, key);
  if (value === undefined || value === '') return fallback;
  return ['true', '1', 'yes', 'on'].includes(value.toLowerCase());
}

/** CKAN's natural_number_validator / int_validator answers a Validation Error naming the field. */
export function naturalParam(dict: DataDict, key: string, fallback: number | undefined): number | undefined {
  const value = stringParam(dict, key);
  if (value === undefined || value === '') return fallback;
  if (!/^\s*-?\d+\s*$/.test(value)) throw validationError({ [key]: ['Invalid integer'] });
  const n = Number(value);
  if (n < 0) throw validationError({ [key]: ['Must be a natural number'] });
  return n;
}

export function listParam(dict: DataDict, key: string): string[] | undefined {
  const value = dict[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // falls through to the CKAN error below
    }
    throw validationError({ [key]: ['Could not parse as valid JSON'] });
  }
  return [String(value)];
}

export interface SearchRequest {
  query: QueryNode;
  rows: number;
  start: number;
  sort: string;
  sortKeys: SortKey[];
  facetFields: string[];
  facetLimit: number;
  facetMinCount: number;
  includePrivate: boolean;
}

type SortField = 'id' | 'name' | 'title' | 'metadata_modified' | 'metadata_created' | 'num_resources' | 'num_tags' | 'score';
interface SortKey { field: SortField; descending: boolean }

const SORT_FIELDS: Record<string, SortField> = {
  id: 'id', name: 'name', title: 'title', title_string: 'title', metadata_modified: 'metadata_modified',
  metadata_created: 'metadata_created', num_resources: 'num_resources', num_tags: 'num_tags', score: 'score',
};

function parseSort(sort: string): SortKey[] {
  const keys: SortKey[] = [];
  for (const part of sort.split(',')) {
    const [field, direction, ...rest] = part.trim().split(/\s+/);
    if (!field) continue;
    if (field === 'rank') return parseSort(DEFAULT_SORT);
    const known = SORT_FIELDS[field];
    if (!known || rest.length > 0 || (direction && !['asc', 'desc'].includes(direction.toLowerCase()))) {
      throw searchQueryError(`Can't determine a sort order for ${part.trim()}`);
    }
    keys.push({ field: known, descending: direction?.toLowerCase() === 'desc' });
  }
  return keys;
}

function parseOrThrow(text: string, param: string): QueryNode {
  try {
    return parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw searchQueryError(`${param}: ${error.message}`);
    throw error;
  }
}

/** Validates package_search parameters as CKAN does: unknown keys are a Search Query Error, rows is clamped. */
export function parseSearchRequest(dict: DataDict): SearchRequest {
  const unknown = Object.keys(dict).filter((k) => !SEARCH_PARAMS.has(k) && !k.startsWith('ext_'));
  if (unknown.length) throw searchQueryError(`Invalid search parameters: ${JSON.stringify(unknown.sort())}`);
  const q = stringParam(dict, 'q')?.trim() ?? '';
  const filters = [...(listParam(dict, 'fq') ?? []), ...(listParam(dict, 'fq_list') ?? [])].filter((f) => f.trim() !== '');
  const parts: QueryNode[] = [parseOrThrow(q, 'q'), ...filters.map((f) => parseOrThrow(f, 'fq'))];
  const sort = stringParam(dict, 'sort')?.trim() || DEFAULT_SORT;
  const facetLimit = Number(stringParam(dict, 'facet.limit') ?? 50);
  const facetMinCount = Number(stringParam(dict, 'facet.mincount') ?? 1);
  if (Number.isNaN(facetLimit)) throw validationError({ 'facet.limit': ['Invalid integer'] });
  if (Number.isNaN(facetMinCount)) throw validationError({ 'facet.mincount': ['Invalid integer'] });
  return {
    query: parts.length === 1 ? parts[0]! : { kind: 'and', children: parts },
    rows: Math.min(naturalParam(dict, 'rows', 10)!, ROWS_MAX),
    start: naturalParam(dict, 'start', 0)!,
    sort,
    sortKeys: parseSort(sort),
    facetFields: boolParam(dict, 'facet', true) ? listParam(dict, 'facet.field') ?? [] : [],
    facetLimit,
    facetMinCount,
    includePrivate: boolParam(dict, 'include_private'),
  };
}

/** Solr sorts string fields by code point, not by locale. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareBy(key: SortKey, a: DatasetRecord, b: DatasetRecord): number {
  let order = 0;
  switch (key.field) {
    case 'id': order = byCodePoint(a.id, b.id); break;
    case 'name': order = byCodePoint(a.slug, b.slug); break;
    case 'title': order = byCodePoint(a.title, b.title); break;
    case 'metadata_modified': order = Date.parse(a.updatedAt) - Date.parse(b.updatedAt); break;
    case 'metadata_created': order = Date.parse(a.createdAt) - Date.parse(b.createdAt); break;
    case 'num_resources': order = a.resources.length - b.resources.length; break;
    case 'num_tags': order = a.tags.length - b.tags.length; break;
    case 'score': order = 0; break; // no relevance ranking: the next key decides
  }
  return key.descending ? -order : order;
}

export interface FacetItem { name: string; display_name: string; count: number }

export interface SearchResult {
  count: number;
  results: DatasetRecord[];
  facets: Record<string, Record<string, number>>;
  search_facets: Record<string, { title: string; items: FacetItem[] }>;
  sort: string;
}

/** Display names of facet values: titles for organisations and thématiques, licence titles (as CKAN does). */
function displayName(field: string, value: string, datasets: readonly DatasetRecord[]): string {
  for (const d of datasets) {
    if (field === 'organization' && d.organization.slug === value) return d.organization.title;
    if (field === 'groups') { const t = d.themes.find((th) => th.slug === value); if (t) return t.title; }
    if (field === 'license_id' && d.licence.id === value) return d.licence.title;
  }
  return value;
}

export function search(datasets: readonly DatasetRecord[], request: SearchRequest, now: number): SearchResult {
  const docs = new Map<DatasetRecord, SearchDocument>(datasets.map((d) => [d, searchDocument(d)]));
  const matched = datasets.filter((d) => matches(request.query, docs.get(d)!, now));
  // The id decides last, so pages never overlap or skip whatever the requested order (ckanext-harvest pages by start).
  const keys: SortKey[] = [...request.sortKeys, { field: 'id', descending: false }];
  matched.sort((a, b) => {
    for (const key of keys) {
      const order = compareBy(key, a, b);
      if (order !== 0) return order;
    }
    return 0;
  });

  const facets: SearchResult['facets'] = {};
  const searchFacets: SearchResult['search_facets'] = {};
  for (const field of request.facetFields) {
    const counts = new Map<string, number>();
    for (const d of matched) for (const value of new Set(docs.get(d)!.fields[field] ?? [])) counts.set(value, (counts.get(value) ?? 0) + 1);
    let top = [...counts].filter(([, n]) => n >= request.facetMinCount).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    if (request.facetLimit >= 0) top = top.slice(0, request.facetLimit);
    facets[field] = Object.fromEntries(top);
    const items = top.map(([name, count]) => ({ name, display_name: displayName(field, name, matched), count }));
    items.sort((a, b) => b.display_name.localeCompare(a.display_name));
    searchFacets[field] = { title: field, items };
  }
  return {
    count: matched.length,
    results: matched.slice(request.start, request.start + request.rows),
    facets,
    search_facets: searchFacets,
    sort: request.sort,
  };
}

