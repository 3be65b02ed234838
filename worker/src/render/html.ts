// A minimal HTML template tag for the one page rendered ten thousand times (the dataset page): interpolated
// strings are escaped, arrays are joined, null/undefined/false render nothing, raw() marks trusted HTML.
// Measured at 10 k datasets, the same markup as an Astro template cost ~1.4 ms per page, as a string ~0.3 ms.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = string | number | Html | null | undefined | false | readonly Part[];

const HAS_SPECIAL = /[&<>"']/;
const SPECIAL = /[&<>"']/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return HAS_SPECIAL.test(text) ? text.replace(SPECIAL, (c) => ENTITIES[c] ?? c) : text;
}

function append(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (typeof part === 'number') return String(part);
  if (typeof part === 'string') return escapeHtml(part);
  let out = '';
  for (const p of part) out += append(p);
  return out;
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < parts.length; i++) out += append(parts[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

export const raw = (trusted: string): Html => new Html(trusted);
