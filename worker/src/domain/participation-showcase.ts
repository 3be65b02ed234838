// Réutilisation form rules: fields, the linked datasets typed as slugs or portal addresses, and the image checked by
// its first bytes (PNG, JPEG, WebP only: an SVG could carry script). Pure: no bindings.
import type { MessageKey } from '../i18n';
import { SHOWCASE_TYPES, type ShowcaseType } from './vocabulary';
import { checkText } from './participation-rules';

export const SHOWCASE_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
export const SHOWCASE_DATASETS_MAX = 50;

export interface ShowcaseDraft {
  title: string;
  description: string;
  url: string | null;
  type: ShowcaseType;
  /** Dataset slugs as typed (checked against the catalogue by the store). */
  datasetRefs: string[];
}

export type ShowcaseErrors = Partial<Record<'title' | 'description' | 'url' | 'type' | 'datasets' | 'image', MessageKey>>;

/** "arrets-de-bus", "/dataset/arrets-de-bus" or "https://portail…/dataset/arrets-de-bus" → "arrets-de-bus". */
export function datasetRef(line: string): string {
  const text = line.trim();
  const match = /\/dataset\/([^/?#\s]+)/.exec(text);
  return (match ? decodeURIComponent(match[1]!) : text).toLowerCase();
}

export function readShowcaseForm(values: Record<string, string>): { draft: ShowcaseDraft; errors: ShowcaseErrors } {
  const errors: ShowcaseErrors = {};
  const title = checkText(values.title, 'title');
  if ('error' in title) errors.title = title.error;
  const description = checkText(values.description, 'message', false);
  if ('error' in description) errors.description = description.error;
  let url: string | null = null;
  const typedUrl = (values.url ?? '').trim();
  if (typedUrl) {
    try {
      const parsed = new URL(typedUrl);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') errors.url = 'participation.showcase.error.url';
      else url = parsed.href;
    } catch {
      errors.url = 'participation.showcase.error.url';
    }
  }
  const type = SHOWCASE_TYPES.find((t) => t === values.type);
  if (!type) errors.type = 'participation.showcase.error.type';
  const datasetRefs = [...new Set((values.datasets ?? '').split(/[\n,]+/).map(datasetRef).filter(Boolean))];
  if (datasetRefs.length === 0) errors.datasets = 'participation.showcase.error.datasetsRequired';
  else if (datasetRefs.length > SHOWCASE_DATASETS_MAX) errors.datasets = 'participation.showcase.error.datasetsTooMany';
  return {
    draft: { title: 'value' in title ? title.value : '', description: 'value' in description ? description.value : '', url, type: type ?? 'application', datasetRefs },
    errors,
  };
}

/** The image's media type from its first bytes, or null when it is none of PNG, JPEG, WebP. */
export function imageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && String.fromCharCode(...bytes.slice(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP') return 'image/webp';
  return null;
}
