// The catalogue snapshot, read once per build and indexed for the pages.
// Measured: Astro's content layer costs ~22 s at 10 k datasets (it bundles the whole data store through Vite),
// so the snapshot is read here at render time instead; the content layer only holds the editorial pages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  SNAPSHOT_SCHEMA_VERSION,
  type CatalogueSnapshot, type SnapshotDataset, type SnapshotLicence, type SnapshotOrganization,
  type SnapshotShowcase, type SnapshotTheme,
} from '../../worker/src/domain/snapshot';
import { newestFirst } from './dataset';

export interface Catalogue {
  snapshot: CatalogueSnapshot;
  organizations: Map<string, SnapshotOrganization>;
  themes: Map<string, SnapshotTheme>;
  licences: Map<string, SnapshotLicence>;
  datasets: Map<string, SnapshotDataset>;
  /** Datasets newest first (by date of last modification, then metadata modification): the order of every list. */
  datasetsByDate: SnapshotDataset[];
  datasetsByOrganization: Map<string, SnapshotDataset[]>;
  datasetsByTheme: Map<string, SnapshotDataset[]>;
  showcasesByDataset: Map<string, SnapshotShowcase[]>;
}

let cached: Catalogue | undefined;

export function snapshotPath(): string {
  return resolve(process.env.CATALOGUE_SNAPSHOT ?? '.cache/catalogue.json');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The snapshot with the lookups the pages need. */
export function indexCatalogue(snapshot: CatalogueSnapshot): Catalogue {
  const datasetsByDate = [...snapshot.datasets].sort(newestFirst);
  const datasetsByOrganization = new Map<string, SnapshotDataset[]>();
  const datasetsByTheme = new Map<string, SnapshotDataset[]>();
  for (const d of datasetsByDate) {
    push(datasetsByOrganization, d.organization, d);
    for (const theme of d.themes) push(datasetsByTheme, theme, d);
  }
  const showcasesByDataset = new Map<string, SnapshotShowcase[]>();
  for (const s of snapshot.showcases) for (const slug of s.datasets) push(showcasesByDataset, slug, s);
  return {
    snapshot,
    organizations: new Map(snapshot.organizations.map((o) => [o.slug, o])),
    themes: new Map(snapshot.themes.map((th) => [th.slug, th])),
    licences: new Map(snapshot.licences.map((l) => [l.id, l])),
    datasets: new Map(snapshot.datasets.map((d) => [d.slug, d])),
    datasetsByDate,
    datasetsByOrganization,
    datasetsByTheme,
    showcasesByDataset,
  };
}

export type PartialRoute = 'organization' | 'group' | 'showcase' | 'page';

/**
 * Slugs of the pages to render for a route with many pages, when an incremental build (scripts/lib/incremental-build.ts)
 * re-renders only the pages a change touches (SITE_ONLY_PAGES, JSON); null when every page is rendered.
 */
export function onlyPages(route: PartialRoute): Set<string> | null {
  const only = process.env.SITE_ONLY_PAGES;
  if (!only) return null;
  return new Set((JSON.parse(only) as Partial<Record<PartialRoute, string[]>>)[route] ?? []);
}

/** Filters a route's static paths by `onlyPages`. */
export function pathsToRender<T extends { params: { slug: string } }>(route: PartialRoute, paths: T[]): T[] {
  const only = onlyPages(route);
  return only ? paths.filter((p) => only.has(p.params.slug)) : paths;
}

export function catalogue(): Catalogue {
  if (cached) return cached;
  const path = snapshotPath();
  let snapshot: CatalogueSnapshot;
  try {
    snapshot = JSON.parse(readFileSync(path, 'utf8')) as CatalogueSnapshot;
  } catch (err) {
    throw new Error(`Cannot read the catalogue snapshot ${path} (set CATALOGUE_SNAPSHOT): ${(err as Error).message}`);
  }
  if (snapshot.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
    throw new Error(`Snapshot ${path} has schema version ${snapshot.schemaVersion}, the site expects ${SNAPSHOT_SCHEMA_VERSION}`);
  }
  cached = indexCatalogue(snapshot);
  return cached;
}
