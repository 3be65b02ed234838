// Formatting helpers shared by the pages (dates, sizes, plain-text summaries, safe links).
import { formatInfo } from '../../worker/src/domain/vocabulary';
import { t, type Lang } from '../../worker/src/i18n';
import { formatDate } from '../../worker/src/render/dates';

export { formatDate };

/** Decimal units (ko, Mo, Go), as French users read file sizes. */
export function formatBytes(lang: Lang, bytes: number): string {
  if (bytes < 1000) return t(lang, 'size.B', { n: bytes });
  if (bytes < 1e6) return t(lang, 'size.kB', { n: bytes / 1e3 });
  if (bytes < 1e9) return t(lang, 'size.MB', { n: bytes / 1e6 });
  return t(lang, 'size.GB', { n: bytes / 1e9 });
}

export const formatLabel = (code: string): string => formatInfo(code)?.label ?? code;

/** Markdown reduced to one line of text, for summaries, meta descriptions and JSON-LD. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|[-*+>]|\d+\.)\s+/gm, '')
    .replace(/\*\*|__|\*|`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?–-]+$/, '')}…`;
}

/** Only web links and portal paths: anything else from the snapshot (javascript:, data:…) is dropped. */
export function safeHref(url: string | null | undefined): string | null {
  return url && /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : null;
}

export const isExternal = (url: string): boolean => /^https?:\/\//i.test(url);

/** Accent-free lower case, so Pagefind's byte-wise sort puts "Économie" among the E. */
export function sortKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/^[^\p{L}\p{N}]+/u, '');
}

const MINOR_WORDS = new Set(['de', 'du', 'des', 'la', 'le', 'les', 'et', 'en', 'sur', 'pour', 'au', 'aux']);

/** Two letters standing in for a missing logo: "Commune de Fontrive" → "CF". */
export function initials(name: string): string {
  const words = name.replace(/[’']/g, ' ').split(/[\s-]+/).filter((w) => w && !MINOR_WORDS.has(w.toLowerCase()));
  const first = words[0]?.[0] ?? '?';
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
