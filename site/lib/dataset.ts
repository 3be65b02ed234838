// Per-dataset values shared by the dataset page and the cards.
import type { SnapshotDataset } from '../../worker/src/domain/snapshot';
import { formatLabel, plainText, truncate } from './format';

/** Format labels of a dataset's resources, once each: the `format` facet and the cards' badges. */
export function datasetFormats(d: SnapshotDataset): string[] {
  return [...new Set(d.resources.map((r) => formatLabel(r.format)))];
}

export const SUMMARY_LENGTH = 220;

/** The start of the description as plain text: cards, meta description, search result when there is no query. */
export const datasetSummary = (d: SnapshotDataset): string => truncate(plainText(d.description), SUMMARY_LENGTH);

export const keywordSearchHref = (tag: string): string => `/dataset?keyword=${encodeURIComponent(tag)}`;

/** Newest first (date of last modification, then of metadata): the order of every list and of the search index. */
export const newestFirst = (a: SnapshotDataset, b: SnapshotDataset): number =>
  b.dateModified.localeCompare(a.dateModified) || b.metadataModified.localeCompare(a.metadataModified);
