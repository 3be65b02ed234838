// What the explorer's parts share: the page's configuration, its strings (from the one i18n table, sent in the
// page), and calls to the datastore API.
import type { DatastoreField } from '../../../worker/src/domain/datastore-query';
import type { SavedView } from '../../../worker/src/domain/datastore-chart';

export interface Config {
  resourceId: string;
  rowCount: number;
  fields: DatastoreField[];
  view: SavedView | null;
  csrf: string | null;
  strings: Record<string, string>;
}

const numbers = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 6 });
export const formatNumber = (n: number) => numbers.format(n);

export function translator(strings: Record<string, string>) {
  return (key: string, params: Record<string, string | number> = {}) =>
    (strings[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : typeof value === 'number' ? formatNumber(value) : value;
    });
}
export type Translate = ReturnType<typeof translator>;

export class ApiError extends Error {}

/** A CKAN action answer's result, or ApiError with the API's French message. */
export async function action<T>(name: string, params: Record<string, unknown>): Promise<T> {
  const response = await fetch(`/api/3/action/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    credentials: 'same-origin',
  });
  const body = await response.json().catch(() => null) as { success?: boolean; result?: T; error?: Record<string, unknown> } | null;
  if (!body?.success) {
    const error = body?.error ?? {};
    const detail = Object.entries(error).find(([key, v]) => !key.startsWith('_') && key !== 'message' && Array.isArray(v))?.[1] as string[] | undefined;
    throw new ApiError(String(detail?.[0] ?? error.message ?? response.statusText));
  }
  return body.result as T;
}

/** Creates an element with attributes and children (text or nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children);
  return node;
}

/** A cell's text: numbers in French, booleans in words, geometries shortened. */
export function cellText(value: unknown, type: string, t: Translate): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return t(value ? 'datastore.explorer.yes' : 'datastore.explorer.no');
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return type === 'geometry' && text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
